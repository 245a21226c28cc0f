/*! statusatlas iframe card: tells the embedding page the card's height.
 * Message, posted to window.parent whenever the height changes:
 *   { type: "statusatlas:resize", height: <CSS pixels, integer>, url: <this iframe's address> }
 * The target origin is "*": the message holds nothing but a height and the
 * card's public address, and the card cannot know who embeds it. A receiver
 * must check event.origin (the statusatlas origin of the iframe's src) and
 * event.source (that iframe's contentWindow) before it sets a height, and
 * should clamp the height (embed.js keeps it within 1..10000).
 */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = -1;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ type: "statusatlas:resize", height: height, url: location.href }, "*");
  }
  if ("ResizeObserver" in window) { new ResizeObserver(send).observe(document.documentElement); }
  window.addEventListener("load", send);
  send();
})();
