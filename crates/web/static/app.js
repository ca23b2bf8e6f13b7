// Zian: small progressive enhancements; every page works without scripts.
(function () {
  "use strict";
  // organisation switcher submits on change
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // "back" links (the error page): the browser's history, where there is one
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
  // confirmation before destructive forms
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // a character counter beside each text field with a maximum: 「已輸入 12／200 字」
  var counterTpl = document.body.getAttribute("data-counter");
  if (counterTpl) {
    document.querySelectorAll("input[maxlength], textarea[maxlength]").forEach(function (el) {
      var type = (el.getAttribute("type") || "text").toLowerCase();
      if (["text", "search", "email", "url", "tel"].indexOf(type) < 0 && el.tagName !== "TEXTAREA") { return; }
      var max = parseInt(el.getAttribute("maxlength"), 10);
      if (!(max >= 20) || el.hasAttribute("data-no-counter")) { return; }
      var c = document.createElement("small");
      c.className = "counter";
      c.setAttribute("aria-live", "polite");
      var update = function () {
        var n = Array.from(el.value).length;
        c.textContent = counterTpl.replace("{n}", String(n)).replace("{max}", String(max));
        c.classList.toggle("near", n > max * 0.9);
      };
      el.addEventListener("input", update);
      update();
      el.insertAdjacentElement("afterend", c);
    });
  }
  // uploads with a progress bar: the file is sent by XMLHttpRequest so its
  // progress shows, then the page follows the server's answer (the preview,
  // or the form again with the error); without scripts the form posts as is
  document.querySelectorAll("form[data-progress]").forEach(function (f) {
    var bar = f.querySelector("progress");
    var label = f.querySelector("[aria-live]");
    if (!bar || !window.FormData || !window.XMLHttpRequest) { return; }
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", f.action);
      bar.hidden = false;
      var button = f.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) {
          var pct = Math.round(ev.loaded * 100 / ev.total);
          bar.value = pct;
          if (label) { label.textContent = bar.getAttribute("data-uploading") + " " + pct + "%"; }
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value");
        if (label) { label.textContent = bar.getAttribute("data-analysing"); }
      });
      xhr.addEventListener("load", function () {
        window.location.href = xhr.responseURL || f.action;
      });
      xhr.addEventListener("error", function () { f.submit(); });
      xhr.send(new FormData(f));
    });
  });
  // idle logout: the server enforces it; the page follows so that a
  // screen left open does not keep showing data
  var idle = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  if (idle > 0) {
    var note = document.getElementById("idle-note");
    if (note) {
      note.textContent = note.getAttribute("data-template").replace("{minutes}", String(Math.max(1, Math.round(idle / 60))));
    }
    var last = Date.now();
    ["mousemove", "keydown", "click", "touchstart", "scroll"].forEach(function (ev) {
      window.addEventListener(ev, function () { last = Date.now(); }, { passive: true });
    });
    // activity in the page does not reach the server until the next request,
    // so the page leaves once the server-side idle window has passed
    var loaded = Date.now();
    setInterval(function () {
      if (Date.now() - loaded > idle * 1000 + 1000) {
        window.location.href = "/login?expired=1";
      }
    }, 1000);
    void last;
  }
})();
