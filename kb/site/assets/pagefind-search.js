// kb: Pagefind search in Material's header (the kb plugin's `search: pagefind` option, or listed by hand in
// extra_javascript for a site built by another generator, with `python -m pagefind --site site` run after it).
//
// It writes the header's search box with Material's own classes, so Material's styles (light and dark, phone and
// desktop) apply, and fills Material's result list with Pagefind's results. Pagefind itself (pagefind/pagefind.js,
// an ES module, with its WebAssembly and index fragments) is loaded the first time the box is opened, from the
// site's root, and fetches only the index pieces a query needs. Result titles are set with textContent; excerpts
// are Pagefind's (the page's text, escaped, with <mark> around the matches).
(function () {
  "use strict";

  var SVG = 'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"';
  var ICON_SEARCH =
    "<svg " + SVG + '><path d="M9.5 3a6.5 6.5 0 0 1 5.2 10.4l5.3 5.3-1.4 1.4-5.3-5.3A6.5 6.5 0 1 1 9.5 3m0 2a4.5 ' +
    '4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9"/></svg>';
  var ICON_BACK = "<svg " + SVG + '><path d="M20 11v2H8l5.5 5.5-1.4 1.4L4.2 12l7.9-7.9 1.4 1.4L8 11z"/></svg>';
  var ICON_CLOSE =
    "<svg " + SVG + '><path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z"/></svg>';
  var MAX_RESULTS = 10;

  function materialConfig() {
    var node = document.getElementById("__config");
    if (!node) return {};
    try {
      return JSON.parse(node.textContent) || {};
    } catch (e) {
      return {};
    }
  }

  var config = materialConfig();
  var words = config.translations || {};

  function t(key, fallback) {
    return words[key] || fallback;
  }

  // The site's root: Material's base (relative to this page), else the folder above assets/kb/ of this script.
  function siteRoot() {
    if (config.base) return new URL(config.base.replace(/\/?$/, "/"), document.baseURI).href;
    var script = document.currentScript && document.currentScript.src;
    if (script && /assets\/kb\/pagefind-search\.js/.test(script)) return script.replace(/assets\/kb\/.*$/, "");
    return new URL("/", document.baseURI).href;
  }

  var root = siteRoot();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The markup of Material's header search (partials/search.html), without its data-md-component names: Material's
  // own search code must not take it over.
  function buildBox() {
    if (!document.getElementById("__search")) {
      var toggle = el("input", "md-toggle");
      toggle.type = "checkbox";
      toggle.id = "__search";
      toggle.setAttribute("data-md-toggle", "search");
      toggle.autocomplete = "off";
      document.body.insertBefore(toggle, document.body.firstChild);
    }
    var nav = document.querySelector(".md-header__inner");
    if (!nav) return null;
    var button = el("label", "md-header__button md-icon");
    button.htmlFor = "__search";
    button.title = t("search", "Search");
    button.innerHTML = ICON_SEARCH;
    var box = el("div", "md-search kb-pagefind");
    box.setAttribute("role", "dialog");
    box.innerHTML =
      '<label class="md-search__overlay" for="__search"></label>' +
      '<div class="md-search__inner" role="search">' +
      '<form class="md-search__form" name="kb-search">' +
      '<input type="text" class="md-search__input" name="query" autocapitalize="off" autocorrect="off" ' +
      'autocomplete="off" spellcheck="false" required>' +
      '<label class="md-search__icon md-icon" for="__search">' + ICON_SEARCH + ICON_BACK + "</label>" +
      '<nav class="md-search__options"><button type="reset" class="md-search__icon md-icon" tabindex="-1">' +
      ICON_CLOSE + "</button></nav></form>" +
      '<div class="md-search__output"><div class="md-search__scrollwrap" tabindex="0">' +
      '<div class="md-search-result"><div class="md-search-result__meta"></div>' +
      '<ol class="md-search-result__list" role="presentation"></ol></div></div></div></div>';
    var input = box.querySelector("input");
    input.placeholder = t("search.placeholder", "Search");
    input.setAttribute("aria-label", input.placeholder);
    box.querySelector("button[type=reset]").title = t("search.reset", "Clear");
    var source = nav.querySelector(".md-header__source");
    nav.insertBefore(button, source);
    nav.insertBefore(box, source);
    return box;
  }

  var pagefind = null;

  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(root + "pagefind/pagefind.js").then(function (module) {
        return Promise.resolve(module.options({ baseUrl: new URL(root).pathname, excerptLength: 24 })).then(
          function () {
            module.init();
            return module;
          }
        );
      });
    }
    return pagefind;
  }

  function resultLink(url, level, title, excerpt) {
    var link = el("a", "md-search-result__link");
    link.href = url;
    link.tabIndex = -1;
    var article = el("article", "md-search-result__article md-typeset");
    if (level === 1) {
      var icon = el("div", "md-search-result__icon md-icon");
      article.appendChild(icon);
    }
    article.appendChild(el(level === 1 ? "h1" : "h2", null, title));
    var text = el("p");
    text.innerHTML = excerpt; // Pagefind's excerpt: the page's text, HTML-escaped, with <mark> around matches
    article.appendChild(text);
    link.appendChild(article);
    return link;
  }

  function showResults(box, results, total) {
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    list.textContent = "";
    if (total === 0) meta.textContent = t("search.result.none", "No matching documents");
    else if (total === 1) meta.textContent = t("search.result.one", "1 matching document");
    else meta.textContent = t("search.result.other", "# matching documents").replace("#", String(total));
    results.forEach(function (data) {
      var item = el("li", "md-search-result__item");
      var title = (data.meta && data.meta.title) || data.url;
      item.appendChild(resultLink(data.url, 1, title, data.excerpt));
      (data.sub_results || [])
        .filter(function (sub) {
          return sub.url !== data.url && sub.title && sub.title !== title;
        })
        .slice(0, 3)
        .forEach(function (sub) {
          item.appendChild(resultLink(sub.url, 2, sub.title, sub.excerpt));
        });
      list.appendChild(item);
    });
  }

  function setUp(box) {
    var toggle = document.getElementById("__search");
    var input = box.querySelector("input");
    var meta = box.querySelector(".md-search-result__meta");
    var asked = 0;
    meta.textContent = t("search.result.placeholder", "Type to start searching");

    function open() {
      if (!toggle.checked) toggle.checked = true;
      loadPagefind();
    }

    function close() {
      toggle.checked = false;
      input.blur();
    }

    function search() {
      var query = input.value.trim();
      var mine = ++asked;
      if (!query) {
        box.querySelector(".md-search-result__list").textContent = "";
        meta.textContent = t("search.result.placeholder", "Type to start searching");
        return;
      }
      loadPagefind()
        .then(function (pf) {
          return pf.search(query);
        })
        .then(function (found) {
          if (mine !== asked || !found) return null;
          return Promise.all(
            found.results.slice(0, MAX_RESULTS).map(function (r) {
              return r.data();
            })
          ).then(function (data) {
            if (mine === asked) showResults(box, data, found.results.length);
          });
        })
        .catch(function (error) {
          pagefind = null; // tried again at the next query (under `mkdocs serve` the index may come later)
          meta.textContent = t("search.result.none", "No matching documents");
          console.warn("kb: Pagefind search is not available (run Pagefind after the build):", error);
        });
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", search);
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        loadPagefind();
        setTimeout(function () {
          input.focus();
        });
      }
    });
    box.querySelector("form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var first = box.querySelector(".md-search-result__link");
      if (first) first.click();
    });
    box.querySelector("form").addEventListener("reset", function () {
      setTimeout(search);
      input.focus();
    });
    box.querySelector(".md-search-result__list").addEventListener("click", function (ev) {
      if (ev.target.closest("a")) toggle.checked = false;
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.metaKey || ev.ctrlKey || ev.altKey) return;
      var target = ev.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (toggle.checked && ev.key === "Escape") {
        ev.preventDefault();
        close();
      } else if (!typing && !toggle.checked && (ev.key === "/" || ev.key === "s" || ev.key === "f")) {
        ev.preventDefault();
        open();
        input.focus();
      }
    });
  }

  // Zensical's themes have a search of their own and no styles for Material's search box: then the box gets these,
  // in the theme's colours (Material's CSS variables, which Zensical keeps).
  var FALLBACK_CSS =
    ".kb-pagefind{position:relative;margin-left:.4rem;flex-shrink:0}" +
    ".kb-pagefind .md-search__overlay,.kb-pagefind .md-search__icon{display:none}" +
    ".kb-pagefind .md-search__form{margin:0}" +
    ".kb-pagefind .md-search__input{width:12rem;height:1.8rem;padding:0 .6rem;border:0;border-radius:.1rem;" +
    "font:inherit;font-size:.8rem;color:inherit;background:rgba(255,255,255,.15);outline:none}" +
    ".kb-pagefind .md-search__input::placeholder{color:inherit;opacity:.7}" +
    "[data-md-toggle=search]:checked~.md-header .kb-pagefind .md-search__input{width:min(30rem,70vw);" +
    "background:var(--md-default-bg-color);color:var(--md-default-fg-color)}" +
    ".kb-pagefind .md-search__output{display:none;position:absolute;right:0;top:2.2rem;width:min(34rem,92vw);" +
    "max-height:75vh;overflow-y:auto;background:var(--md-default-bg-color);color:var(--md-default-fg-color);" +
    "border-radius:.1rem;box-shadow:0 .2rem .8rem rgba(0,0,0,.35);z-index:5}" +
    "[data-md-toggle=search]:checked~.md-header .kb-pagefind .md-search__output{display:block}" +
    ".kb-pagefind .md-search-result__meta{padding:.4rem .8rem;font-size:.64rem;" +
    "color:var(--md-default-fg-color--light);background:var(--md-default-fg-color--lightest)}" +
    ".kb-pagefind .md-search-result__list{list-style:none;margin:0;padding:0}" +
    ".kb-pagefind .md-search-result__item{border-top:.05rem solid var(--md-default-fg-color--lightest)}" +
    ".kb-pagefind .md-search-result__link{display:block;padding:.4rem .8rem;color:inherit;text-decoration:none}" +
    ".kb-pagefind .md-search-result__link:hover,.kb-pagefind .md-search-result__link:focus" +
    "{background:var(--md-accent-fg-color--transparent)}" +
    ".kb-pagefind article h1{margin:0;font-size:.8rem;font-weight:700;color:var(--md-default-fg-color)}" +
    ".kb-pagefind article h2{margin:0;font-size:.72rem;font-weight:700}" +
    ".kb-pagefind article p{margin:.2rem 0 0;font-size:.64rem;color:var(--md-default-fg-color--light)}" +
    ".kb-pagefind mark{color:var(--md-accent-fg-color);background:none;text-decoration:underline}";

  function styleIfUnstyled(box) {
    var wrap = box.querySelector(".md-search__scrollwrap");
    if (getComputedStyle(wrap).overflowY !== "visible") return; // Material's own styles apply
    var style = el("style");
    style.textContent = FALLBACK_CSS;
    document.head.appendChild(style);
  }

  function start() {
    if (document.querySelector(".kb-pagefind")) return;
    var box = buildBox();
    if (!box) return;
    styleIfUnstyled(box);
    setUp(box);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
