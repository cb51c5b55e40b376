// MathJax settings for pymdownx.arithmatex's generic output. MathJax itself is served from this site
// (assets/kb/mathjax/), copied there by the kb plugin from the installed django-static-mathjax package.
window.MathJax = {
  // ui/safe: a formula's \href only to http(s) and mailto addresses, its \class and \style values filtered
  // (card text reaches MathJax, and an imported deck is untrusted)
  loader: { load: ["ui/safe"] },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  svg: { fontCache: "global" },
};

// Material's instant navigation swaps page content without reloading scripts: typeset again on every page.
// (kb review --web, without Material, typesets each card itself.)
if (typeof document$ !== "undefined") document$.subscribe(function () {
  var mj = window.MathJax;
  if (!mj || !mj.startup || !mj.typesetPromise) return; // still loading: its startup typesets the first page
  mj.startup.promise.then(function () {
    var output = mj.startup.output;
    if (output && typeof output.clearCache === "function") output.clearCache();
    mj.typesetClear();
    mj.texReset();
    return mj.typesetPromise();
  });
});
