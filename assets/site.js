// statusatlas site script: theme switch and copy buttons. The site works
// without it; this only adds conveniences.
(function () {
  "use strict";
  var root = document.documentElement;
  var modes = ["auto", "light", "dark"];
  function apply(mode) {
    if (mode === "auto") { root.removeAttribute("data-theme"); } else { root.setAttribute("data-theme", mode); }
    var button = document.getElementById("theme");
    if (button) { button.setAttribute("aria-label", "Colour theme: " + mode); button.title = "Colour theme: " + mode; }
  }
  var saved = null;
  try { saved = localStorage.getItem("statusatlas-theme"); } catch (e) { saved = null; }
  if (modes.indexOf(saved) < 0) { saved = "auto"; }
  apply(saved);
  document.addEventListener("DOMContentLoaded", function () {
    apply(saved);
    var button = document.getElementById("theme");
    if (button) {
      button.addEventListener("click", function () {
        saved = modes[(modes.indexOf(saved) + 1) % modes.length];
        try { localStorage.setItem("statusatlas-theme", saved); } catch (e) { /* private mode */ }
        apply(saved);
      });
    }
    document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var text = b.getAttribute("data-copy");
        var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 1500); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { b.textContent = "Press Ctrl+C"; });
        }
      });
    });
  });
})();
