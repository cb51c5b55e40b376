// kb review --web: shows the screen the server's session publishes and sends the keys and buttons back.
// Card HTML comes from the server, made by the site's card rendering (raw HTML in card text is escaped there), and
// the page's Content-Security-Policy runs no script but this one and MathJax.
(function () {
  "use strict";
  var screen = null;
  var revealed = false;
  var busy = false;
  var $ = function (id) { return document.getElementById(id); };
  var GRADE_CLASS = { 1: "again", 2: "hard", 3: "good", 4: "easy" };

  function typeset(el) {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return; // not loaded yet: its start-up typesets the page
    mj.startup.promise = mj.startup.promise
      .then(function () {
        if (mj.typesetClear) mj.typesetClear([el]);
        return mj.typesetPromise([el]);
      })
      .then(function () { document.body.dataset.typeset = String(screen && screen.seq); })
      .catch(function (err) { console.warn("MathJax:", err); });
  }

  function text(el, value) {
    el.textContent = value || "";
    el.hidden = !value;
  }

  function progress(s) {
    var p = $("progress");
    p.textContent = "";
    var card = document.createElement("span");
    card.className = "number";
    card.textContent = "card " + s.number;
    p.appendChild(card);
    ["new", "learning", "review"].forEach(function (queue) {
      var span = document.createElement("span");
      span.className = "count " + queue + (s.queue === queue ? " current" : "");
      span.textContent = s.counts[queue] + " " + queue;
      p.appendChild(span);
    });
  }

  function gradeButtons(s) {
    var bar = $("grade-bar");
    bar.textContent = "";
    s.grades.forEach(function (g) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "grade " + GRADE_CLASS[g.grade];
      b.dataset.command = String(g.grade);
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = g.label;
      var interval = document.createElement("span");
      interval.className = "interval";
      interval.textContent = g.interval;
      var key = document.createElement("kbd");
      key.textContent = String(g.grade);
      b.append(label, interval, key);
      bar.appendChild(b);
    });
  }

  function show(s) {
    screen = s;
    revealed = false;
    document.body.dataset.kind = s.kind;
    document.body.dataset.seq = String(s.seq);
    text($("message"), s.message);
    var isCard = s.kind === "card";
    $("card").hidden = !isCard;
    $("done").hidden = s.kind !== "done";
    $("reveal-bar").hidden = !isCard;
    $("grade-bar").hidden = true;
    $("action-bar").hidden = !isCard;
    if (isCard) {
      progress(s);
      $("where").textContent = (s.card.where ? s.card.where + "  ·  " : "") + s.card.note + ":" + s.card.line;
      $("front").innerHTML = s.front;
      $("back").innerHTML = s.back || "";
      $("back").hidden = true;
      gradeButtons(s);
      typeset($("card"));
      return;
    }
    $("progress").textContent = "";
    $("where").textContent = "";
    if (s.kind === "done") {
      var done = $("done");
      done.textContent = "";
      var h = document.createElement("h1");
      h.textContent = "Session over";
      done.appendChild(h);
      s.lines.forEach(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        done.appendChild(p);
      });
    } else if (s.kind === "wait" || s.kind === "error") {
      text($("message"), s.message);
      if (s.kind === "wait") poll(s.seq);
    }
  }

  function reveal() {
    if (!screen || screen.kind !== "card" || revealed) return;
    revealed = true;
    if (screen.back === null) {
      document.querySelectorAll("#front .kb-blank").forEach(function (b) { b.classList.add("kb-revealed"); });
    } else {
      $("back").hidden = false;
    }
    $("reveal-bar").hidden = true;
    $("grade-bar").hidden = false;
  }

  function failed(err) {
    busy = false;
    text($("message"), "The review server does not answer (" + err + "). Was kb review --web stopped? " +
      "Your answers so far are saved; start it again to go on.");
  }

  function send(command) {
    if (busy || !screen || screen.kind !== "card") return;
    if (/^[1-4]$/.test(command) && !revealed) return;
    busy = true;
    document.body.dataset.busy = "1";
    fetch("api/command", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ seq: screen.seq, command: command }),
      cache: "no-store",
    })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        busy = false;
        delete document.body.dataset.busy;
        if (s.stale && s.kind === "card" && screen && s.seq === screen.seq) return;
        show(s);
        if (s.stale) text($("message"), "This card changed in another tab or window; here is the current one.");
      })
      .catch(failed);
  }

  function poll(after) {
    fetch("api/screen" + (after !== undefined ? "?after=" + after : ""), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        if (s.seq === after && s.kind === "wait") return poll(after);
        show(s);
      })
      .catch(failed);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var key = ev.key;
    if (key === " " || key === "Enter") {
      ev.preventDefault(); // as in the terminal: they only show the answer (never press a focused button)
      reveal();
      return;
    }
    var command = /^[1-4]$/.test(key) ? key : { u: "u", s: "s", b: "b", e: "e", q: "q" }[key.toLowerCase()];
    if (command) {
      ev.preventDefault();
      send(command);
    }
  });

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest("button, .kb-blank, #card");
    if (!target) return;
    if (target.id === "reveal" || target.id === "card") return reveal();
    if (target.classList.contains("kb-blank")) return reveal();
    if (target.dataset.command) send(target.dataset.command);
  });

  poll();
})();
