// Site-wide behaviour, hooked on Material's document$ so it runs after every instant page change.
// Links to other sites open in a new tab without giving that tab a handle on this one.
document$.subscribe(function () {
  document.querySelectorAll(".md-content a[href^='http']").forEach(function (link) {
    if (link.host === window.location.host) return;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  });
});
