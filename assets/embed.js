/*! statusatlas embed: widgets for status codes and comparisons.
 * One script, no dependencies, one global (window.statusatlas), no eval.
 * Usage: <div data-statusatlas="code" data-protocol="http" data-code="407"></div>
 *        <statusatlas-code protocol="http" code="407"></statusatlas-code>
 * Kinds: code, compare (a, b), badge (code, badge-style, label), search (protocol).
 * Options: theme = auto | light | dark | sepia, size = compact | default | large.
 * Also sizes every statusatlas iframe card on the page to its content, from
 * the { type: "statusatlas:resize", height } messages the cards post.
 */
(function () {
  "use strict";
  if (window.statusatlas && window.statusatlas.version) { return; }

  var script = document.currentScript || document.querySelector("script[src*='/embed.js']");
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var THEMES = ["auto", "light", "dark", "sepia"];
  var SIZES = ["default", "compact", "large"];
  var STYLES = ["flat", "flat-square", "plastic", "for-the-badge", "social"];
  var KINDS = ["code", "compare", "badge", "search"];
  var TAGS = { "statusatlas-code": "code", "statusatlas-compare": "compare", "statusatlas-badge": "badge", "statusatlas-search": "search" };

  function oneOf(value, list) { return list.indexOf(value) >= 0 ? value : list[0]; }
  // Codes and protocols are short tokens; anything else (markup, URLs) is refused.
  function token(value) { return typeof value === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? value : null; }
  function enc(value) { return encodeURIComponent(value); }

  /** Reads a widget's options from data-* (placeholders) or plain attributes (elements). */
  function options(el) {
    var custom = TAGS[el.localName];
    var get = function (name) { return custom ? el.getAttribute(name) : el.getAttribute("data-" + name); };
    return {
      kind: custom || oneOf(el.getAttribute("data-statusatlas"), KINDS),
      protocol: token(get("protocol") || "http"),
      code: token(get("code")),
      a: token(get("a")),
      b: token(get("b")),
      theme: oneOf(get("theme"), THEMES),
      size: oneOf(get("size"), SIZES),
      style: oneOf(get("badge-style"), STYLES),
      label: get("label")
    };
  }

  function pageUrl(o) {
    if (o.kind === "compare") { return origin + "/compare/" + enc(o.protocol) + "/" + enc(o.a) + "-vs-" + enc(o.b); }
    return origin + "/" + enc(o.protocol) + "/" + enc(o.code);
  }

  function linkText(o) {
    var name = o.protocol.toUpperCase();
    return o.kind === "compare" ? name + " " + o.a + " vs " + o.b + " on statusatlas" : name + " " + o.code + " on statusatlas";
  }

  function shell(el, o) {
    var root = el.shadowRoot || el.attachShadow({ mode: "open" });
    while (root.firstChild) { root.removeChild(root.firstChild); }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = origin + "/assets/embed.css";
    root.appendChild(css);
    var box = document.createElement("div");
    box.className = "sa-root size-" + o.size;
    box.setAttribute("data-theme", o.theme);
    box.setAttribute("part", "card");
    root.appendChild(box);
    return box;
  }

  function fallback(box, o, why) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var p = document.createElement("p");
    var a = document.createElement("a");
    a.href = pageUrl(o);
    a.textContent = linkText(o);
    a.target = "_blank";
    a.rel = "noopener";
    p.appendChild(a);
    if (why) {
      var small = document.createElement("span");
      small.className = "sa-muted";
      small.textContent = " (" + why + ")";
      p.appendChild(small);
    }
    box.appendChild(p);
  }

  function fetchInto(box, o, path) {
    return fetch(origin + path, { credentials: "omit" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status === 404 ? "unknown code" : "unavailable"); }
      return r.text();
    }).then(function (html) {
      // The fragment is the site's own card, escaped on the server.
      box.innerHTML = html;
      var links = box.querySelectorAll("a[href]");
      for (var i = 0; i < links.length; i++) { links[i].target = "_blank"; links[i].rel = "noopener"; }
    }).catch(function (e) { fallback(box, o, e && e.message === "unknown code" ? "unknown code" : ""); });
  }

  function badge(box, o) {
    box.className = "sa-badge";
    box.removeAttribute("data-theme");
    var a = document.createElement("a");
    a.href = pageUrl(o);
    a.target = "_blank";
    a.rel = "noopener";
    var img = document.createElement("img");
    var query = "?style=" + enc(o.style) + (o.label ? "&label=" + enc(o.label.slice(0, 64)) : "");
    img.src = origin + "/badge/" + enc(o.protocol) + "/" + enc(o.code) + ".svg" + query;
    img.alt = o.protocol.toUpperCase() + " " + o.code;
    img.onerror = function () { box.className = "sa-root size-compact"; fallback(box, o, "unknown code"); };
    a.appendChild(img);
    box.appendChild(a);
  }

  function search(box, o) {
    var form = document.createElement("form");
    form.className = "sa-search";
    form.setAttribute("role", "search");
    var label = document.createElement("label");
    label.textContent = "Search status codes";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "404, too many, 5.7.1";
    input.maxLength = 200;
    label.appendChild(input);
    var list = document.createElement("ul");
    list.setAttribute("aria-live", "polite");
    form.appendChild(label);
    form.appendChild(list);
    box.appendChild(form);
    var timer = null;
    var run = function () {
      var q = input.value.trim();
      if (!q) { while (list.firstChild) { list.removeChild(list.firstChild); } return; }
      var scoped = o.protocol && o.protocol !== "http" ? o.protocol + " " + q : q;
      fetch(origin + "/api/v1/search?limit=5&q=" + enc(scoped), { credentials: "omit" }).then(function (r) {
        if (!r.ok) { throw new Error("search failed"); }
        return r.json();
      }).then(function (data) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        (data.results || []).forEach(function (hit) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = origin + "/" + enc(hit.protocol) + "/" + enc(hit.id);
          a.target = "_blank";
          a.rel = "noopener";
          a.textContent = hit.protocol.toUpperCase() + " " + hit.code + " " + hit.phrase;
          li.appendChild(a);
          list.appendChild(li);
        });
        if (!data.results || !data.results.length) {
          var none = document.createElement("li");
          none.className = "sa-muted";
          none.textContent = "No code matches.";
          list.appendChild(none);
        }
      }).catch(function () {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = origin + "/search?q=" + enc(q);
        a.textContent = "Search on statusatlas";
        li.appendChild(a);
        list.appendChild(li);
      });
    };
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  }

  /** Renders (or re-renders) one widget. */
  function render(el) {
    var o = options(el);
    var box = shell(el, o);
    el.setAttribute("data-statusatlas-rendered", o.kind);
    if (o.kind === "search") { search(box, o); return; }
    if (!o.protocol || (o.kind === "compare" ? !(o.a && o.b) : !o.code)) {
      box.textContent = "statusatlas: this widget needs a protocol and " + (o.kind === "compare" ? "two codes (a and b)." : "a code.");
      return;
    }
    if (o.kind === "badge") { badge(box, o); return; }
    if (o.kind === "compare") {
      fetchInto(box, o, "/embed/fragment/compare/" + enc(o.protocol) + "/" + enc(o.a) + "-vs-" + enc(o.b));
    } else {
      fetchInto(box, o, "/embed/fragment/" + enc(o.protocol) + "/" + enc(o.code));
    }
  }

  // Widgets render when they come within 300px of the viewport.
  var seen = typeof WeakSet === "function" ? new WeakSet() : null;
  var lazy = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { lazy.unobserve(entry.target); render(entry.target); }
    });
  }, { rootMargin: "300px" }) : null;

  function schedule(el) {
    if (seen) { if (seen.has(el)) { return; } seen.add(el); }
    if (lazy) { lazy.observe(el); } else { render(el); }
  }

  function scan(root) {
    var scope = root || document;
    if (scope.nodeType === 1 && scope.hasAttribute("data-statusatlas")) { schedule(scope); }
    if (!scope.querySelectorAll) { return; }
    var found = scope.querySelectorAll("[data-statusatlas]");
    for (var i = 0; i < found.length; i++) { schedule(found[i]); }
  }

  // Native elements: rendered lazily on connection, again on attribute change.
  function defineElement(tag) {
    if (!window.customElements || customElements.get(tag)) { return; }
    customElements.define(tag, class extends HTMLElement {
      static get observedAttributes() { return ["protocol", "code", "a", "b", "theme", "size", "badge-style", "label"]; }
      connectedCallback() { schedule(this); }
      attributeChangedCallback() { if (this.hasAttribute("data-statusatlas-rendered")) { render(this); } }
    });
  }
  Object.keys(TAGS).forEach(defineElement);

  // Placeholders added later, and placeholders whose attributes change.
  if ("MutationObserver" in window) {
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        if (m.type === "attributes") {
          if (m.target.hasAttribute("data-statusatlas-rendered") && !TAGS[m.target.localName]) { render(m.target); }
          return;
        }
        for (var i = 0; i < m.addedNodes.length; i++) { scan(m.addedNodes[i]); }
      });
    }).observe(document.documentElement, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["data-statusatlas", "data-protocol", "data-code", "data-a", "data-b", "data-theme", "data-size", "data-badge-style", "data-label"]
    });
  }

  // Iframe cards post their height (see /assets/frame.js); only messages
  // from this script's origin and from an iframe on this page are used.
  var MAX_FRAME_HEIGHT = 10000;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "statusatlas:resize") { return; }
    var height = Math.round(Number(data.height));
    if (!(height > 0)) { return; }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.min(height, MAX_FRAME_HEIGHT) + "px";
        return;
      }
    }
  });

  window.statusatlas = { version: "1", origin: origin, scan: scan, render: render };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
