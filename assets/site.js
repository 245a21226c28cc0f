// statusatlas site script: theme switch, copy buttons and search results
// as you type. The site works without it; this only adds conveniences.
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
    liveSearch();
  });

  // The search page updates its results as the reader types, from the JSON
  // API named by the form's data-api; without this script the form submits
  // and the server renders the same results.
  function liveSearch() {
    var form = document.querySelector("form.search-page[data-api]");
    var box = document.getElementById("search-results");
    if (!form || !box || !window.fetch) { return; }
    var input = form.querySelector("input[name=q]");
    var select = form.querySelector("select[name=protocol]");
    var api = form.getAttribute("data-api");
    var names = {};
    if (select) {
      Array.prototype.forEach.call(select.options, function (o) { if (o.value) { names[o.value] = o.textContent; } });
    }
    var timer = null;
    var controller = null;
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) { e.className = cls; }
      if (text) { e.textContent = text; }
      return e;
    }
    function pageUrl() {
      var params = new URLSearchParams();
      params.set("q", input.value);
      if (select && select.value) { params.set("protocol", select.value); }
      return form.getAttribute("action") + "?" + params.toString();
    }
    function render(data, query) {
      box.textContent = "";
      if (data.did_you_mean) {
        box.appendChild(el("p", "note", "Nothing matched \u201c" + query + "\u201d as typed. Showing results for " + data.did_you_mean + "."));
      }
      if (!data.results || data.results.length === 0) {
        var none = el("div", "no-match");
        none.appendChild(el("p", null, "No status code matches \u201c" + query + "\u201d."));
        var p = el("p");
        var more = el("a", null, "Press Enter or follow this link for suggestions");
        more.href = pageUrl();
        p.appendChild(more);
        none.appendChild(p);
        box.appendChild(none);
        return;
      }
      var shown = data.results.length;
      box.appendChild(el("p", "muted", data.total > shown ? data.total + " codes match; the best " + shown + " are shown." : (data.total === 1 ? "1 code matches." : data.total + " codes match.")));
      var list = el("ul", "code-list search-results");
      data.results.forEach(function (r) {
        var tone = r["class"] ? "tone-" + r["class"].key.charAt(0) : "tone-n";
        if (r.status === "unofficial") { tone += " unofficial"; }
        var li = el("li", tone);
        var a = el("a");
        a.href = r.html_url;
        a.appendChild(el("span", "proto", names[r.protocol] || r.protocol));
        a.appendChild(document.createTextNode(" "));
        a.appendChild(el("span", "code", r.display_code || r.code));
        a.appendChild(document.createTextNode(" "));
        a.appendChild(el("span", "phrase", r.phrase));
        li.appendChild(a);
        li.appendChild(el("p", null, r.summary));
        li.appendChild(el("p", "why", "Matched: " + r.why));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    function update() {
      var query = input.value.trim();
      if (!query) { return; }
      var scoped = select && select.value ? select.value + " " + query : query;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(api + "?" + new URLSearchParams({ q: scoped, limit: "50" }).toString(), { signal: controller ? controller.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          render(data, query);
          try { history.replaceState(null, "", pageUrl()); } catch (e) { /* file: or sandboxed */ }
        })
        .catch(function () { /* aborted or offline: the form still works */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(update, 200);
    }
    input.addEventListener("input", later);
    if (select) { select.addEventListener("change", later); }
  }
})();
