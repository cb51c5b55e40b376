// kb site behaviour: cloze blanks that reveal, a note's deck studied one card at a time, and the quizzes.
// Hooked on Material's document$, so it runs after the first load and after every instant page change.
// Card and quiz text is only ever inserted with textContent: nothing from a note is parsed as HTML here.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Quiz text with its math and code shown as on the note pages: `code` becomes <code>, $math$ and $$math$$ an
  // arithmatex span for MathJax (the same rules as pymdownx.arithmatex: no space inside the dollars, a closing
  // dollar not followed by a digit, so "$7,000 and $1,000" stays text). Still textContent only: nothing is HTML.
  var RICH_RE = /`([^`\n]+)`|\$\$([\s\S]+?)\$\$|(?:^|[^\\\w$])\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?![\d$])/g;

  function rich(tag, cls, text) {
    var node = el(tag, cls);
    text = String(text === undefined || text === null ? "" : text);
    var last = 0;
    var m;
    RICH_RE.lastIndex = 0;
    while ((m = RICH_RE.exec(text)) !== null) {
      var start = m.index;
      if (m[3] !== undefined) start = m.index + m[0].indexOf("$"); // the match may begin with the char before
      if (start > last) node.appendChild(document.createTextNode(text.slice(last, start)));
      if (m[1] !== undefined) node.appendChild(el("code", null, m[1]));
      else if (m[2] !== undefined) node.appendChild(el("span", "arithmatex", "\\[" + m[2] + "\\]"));
      else node.appendChild(el("span", "arithmatex", "\\(" + m[3] + "\\)"));
      last = RICH_RE.lastIndex;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function typeset(node) {
    var mj = window.MathJax;
    if (!node.querySelector(".arithmatex")) return;
    if (mj && mj.startup && mj.startup.promise && mj.typesetPromise) {
      mj.startup.promise.then(function () {
        return mj.typesetPromise([node]);
      });
    }
  }

  // ---- cloze blanks -------------------------------------------------------------------------------------
  // kb.css gives a hidden blank its "Show the answer" hint; a revealed one has none (its text is the answer).
  function setBlank(blank, revealed) {
    blank.classList.toggle("kb-revealed", revealed);
    blank.setAttribute("aria-expanded", revealed ? "true" : "false");
  }

  function setupBlanks(scope) {
    scope.querySelectorAll(".kb-blank:not([data-kb-ready])").forEach(function (blank) {
      blank.setAttribute("data-kb-ready", "1");
      blank.setAttribute("aria-expanded", "false");
      function toggle() {
        setBlank(blank, !blank.classList.contains("kb-revealed"));
      }
      blank.addEventListener("click", toggle);
      blank.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          toggle();
        }
      });
    });
  }

  // ---- the deck: one card at a time ------------------------------------------------------------------------
  // Every card has the same frame: its front, then its back (a cloze card's blanks filled in) on "Show answer".
  function setupDeck(deck) {
    if (deck.getAttribute("data-kb-ready")) return;
    var cards = Array.prototype.slice.call(deck.querySelectorAll(".kb-card"));
    if (!cards.length) return;
    deck.setAttribute("data-kb-ready", "1");
    deck.classList.add("kb-study");
    var position = 0;
    var bar = el("div", "kb-study-bar");
    var progress = el("span", "kb-study-progress");
    progress.setAttribute("aria-live", "polite");
    function button(label, cls, action) {
      var b = el("button", "md-button " + cls, label);
      b.type = "button";
      b.addEventListener("click", action);
      bar.appendChild(b);
      return b;
    }
    bar.appendChild(progress);
    var previous = button("Previous", "kb-study-previous", function () {
      go(position - 1);
    });
    var show = button("Show answer", "kb-study-show", function () {
      reveal(true);
      next.focus();
    });
    var next = button("Next card", "kb-study-next", function () {
      go(position + 1);
      show.focus();
    });
    cards[cards.length - 1].insertAdjacentElement("afterend", bar);

    function reveal(shown) {
      var card = cards[position];
      card.classList.toggle("kb-shown", shown);
      card.querySelectorAll(".kb-blank").forEach(function (blank) {
        setBlank(blank, shown);
      });
      show.disabled = shown;
      show.classList.toggle("md-button--primary", !shown);
      next.classList.toggle("md-button--primary", shown);
    }

    function go(to) {
      if (to < 0 || to >= cards.length) return;
      reveal(false);
      position = to;
      cards.forEach(function (card, i) {
        card.classList.toggle("kb-current", i === position);
      });
      reveal(false);
      progress.textContent = "Card " + (position + 1) + " of " + cards.length;
      previous.disabled = position === 0;
      next.disabled = position === cards.length - 1;
    }

    go(0);
  }

  // ---- answer checking ------------------------------------------------------------------------------------
  function normalise(text) {
    return String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, " ")
      .replace(/\b(the|a|an)\b/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  function distance(a, b) {
    if (Math.abs(a.length - b.length) > 1) return 2;
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      for (var k = 1; k <= b.length; k++) {
        cur.push(Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // Lenient: case, accents, punctuation and articles do not matter, one small typo is forgiven,
  // but numbers must match exactly.
  function clozeCorrect(given, answer) {
    var g = normalise(given);
    var a = normalise(answer);
    if (!g) return false;
    if (g === a) return true;
    var numbers = function (s) {
      return (s.match(/\d+/g) || []).join(" ");
    };
    if (numbers(g) !== numbers(a)) return false;
    return a.length >= 5 && distance(g, a) <= 1;
  }

  // ---- quizzes ----------------------------------------------------------------------------------------------
  function noteFilter() {
    var match = /(?:^|[#&])note=([^&]+)/.exec(window.location.hash.slice(1));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function setupQuiz(root) {
    if (root.getAttribute("data-kb-ready")) return;
    root.setAttribute("data-kb-ready", "1");
    var source = document.getElementById(root.getAttribute("data-kb-quiz"));
    var data;
    try {
      data = JSON.parse(source ? source.textContent : "");
    } catch (err) {
      root.textContent = "This quiz could not be read.";
      return;
    }
    var questions = (data && data.questions) || [];
    var only = root.hasAttribute("data-kb-all") ? null : noteFilter();
    if (only) {
      var mine = questions.filter(function (q) {
        return q.note === only;
      });
      if (mine.length) questions = mine;
    }
    var position = 0;
    var score = 0;
    var misses = [];
    root.textContent = "";
    var status = el("p", "kb-quiz-progress");
    var body = el("div", "kb-quiz-body");
    root.appendChild(status);
    root.appendChild(body);

    function source_link(q) {
      if (!q.url && !q.note) return null;
      var p = el("p", "kb-quiz-source");
      p.appendChild(document.createTextNode("From "));
      var a = el("a", null, (q.title || q.note) + (q.line ? " (line " + q.line + ")" : ""));
      a.href = q.url || "#";
      p.appendChild(a);
      return p;
    }

    function rightAnswer(q) {
      if (q.kind === "mcq") return q.options[q.answer];
      if (q.kind === "tf") return q.answer ? "True" : "False";
      return q.answer_text || q.answer;
    }

    function promptOf(q) {
      return q.prompt || q.question || q.statement || "";
    }

    function clozeAccepts(q, given) {
      var accepted = (q.accept && q.accept.length ? q.accept : []).concat([q.answer]);
      return accepted.some(function (a) {
        return clozeCorrect(given, a);
      });
    }

    function finish() {
      status.textContent = "Quiz finished";
      body.textContent = "";
      var result = el("p", "kb-quiz-score", "Score: " + score + " / " + questions.length);
      body.appendChild(result);
      if (misses.length) {
        body.appendChild(el("p", null, "To review:"));
        var list = el("ul", "kb-quiz-misses");
        misses.forEach(function (q) {
          var item = el("li");
          item.appendChild(rich("span", null, promptOf(q) + " — " + rightAnswer(q) + " "));
          var link = source_link(q);
          if (link) item.appendChild(link);
          list.appendChild(item);
        });
        body.appendChild(list);
        typeset(list);
      }
      var again = el("button", "md-button kb-quiz-again", "Take it again");
      again.type = "button";
      again.addEventListener("click", function () {
        position = 0;
        score = 0;
        misses = [];
        show();
      });
      body.appendChild(again);
    }

    function answered(q, correct, controls) {
      controls.forEach(function (c) {
        c.disabled = true;
      });
      if (correct) score += 1;
      else misses.push(q);
      var feedback = el("div", "kb-quiz-feedback " + (correct ? "kb-right" : "kb-wrong"));
      feedback.appendChild(el("strong", null, correct ? "Right." : "Not quite."));
      if (!correct) feedback.appendChild(rich("span", null, " The answer is: " + rightAnswer(q)));
      if (q.explanation && q.explanation !== rightAnswer(q)) {
        feedback.appendChild(rich("p", "kb-quiz-explanation", q.explanation));
      }
      var link = source_link(q);
      if (link) feedback.appendChild(link);
      body.appendChild(feedback);
      typeset(feedback);
      var next = el("button", "md-button md-button--primary kb-quiz-next",
        position + 1 < questions.length ? "Next question" : "See your score");
      next.type = "button";
      next.addEventListener("click", function () {
        position += 1;
        show();
      });
      body.appendChild(next);
      next.focus();
    }

    function show() {
      body.textContent = "";
      if (position >= questions.length) {
        finish();
        return;
      }
      var q = questions[position];
      status.textContent = "Question " + (position + 1) + " of " + questions.length + " · score " + score;
      var controls = [];
      if (q.kind === "tf") {
        body.appendChild(rich("p", "kb-quiz-question", "True or false: " + promptOf(q)));
        [true, false].forEach(function (value) {
          var b = el("button", "md-button kb-quiz-option", value ? "True" : "False");
          b.type = "button";
          b.addEventListener("click", function () {
            b.classList.add("kb-chosen");
            answered(q, value === Boolean(q.answer), controls);
          });
          controls.push(b);
          body.appendChild(b);
        });
      } else if (q.kind === "cloze") {
        body.appendChild(rich("p", "kb-quiz-question", promptOf(q)));
        var form = el("form", "kb-quiz-cloze");
        var input = el("input");
        input.type = "text";
        input.setAttribute("aria-label", "Your answer");
        input.autocomplete = "off";
        var check = el("button", "md-button kb-quiz-check", "Check");
        check.type = "submit";
        form.appendChild(input);
        form.appendChild(check);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          if (check.disabled) return;
          answered(q, clozeAccepts(q, input.value), [input, check]);
        });
        body.appendChild(form);
        input.focus();
      } else {
        body.appendChild(rich("p", "kb-quiz-question", promptOf(q)));
        var list = el("div", "kb-quiz-options");
        (q.options || []).forEach(function (option, index) {
          var b = rich("button", "md-button kb-quiz-option", option);
          b.type = "button";
          b.addEventListener("click", function () {
            b.classList.add("kb-chosen");
            controls.forEach(function (c, i) {
              if (i === q.answer) c.classList.add("kb-correct-option");
            });
            answered(q, index === q.answer, controls);
          });
          controls.push(b);
          list.appendChild(b);
        });
        body.appendChild(list);
      }
      typeset(body);
    }

    if (!questions.length) {
      root.textContent = "No questions for this selection yet.";
      return;
    }
    show();
  }

  function onPage() {
    setupBlanks(document);
    document.querySelectorAll(".kb-deck").forEach(setupDeck);
    document.querySelectorAll(".kb-quiz[data-kb-quiz]").forEach(setupQuiz);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }

  window.kb = { clozeCorrect: clozeCorrect };
})();
