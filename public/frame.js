/* Inside the complaint widget when a council's page shows it in a frame (see embed.js): tells
   that page how tall the widget is, and when it moves to another step, so the frame fits its
   content with no inner scrollbar. Messages go only to the origins allowed to frame the widget
   (listed by the server in <meta name="intake-embed-origins">); a message addressed to any
   other origin is dropped by the browser. Independent of the WebAssembly, so it also works
   while that loads or where it never does. */
(function () {
  if (window.parent === window) return;
  var root = document.documentElement;
  root.classList.add("embedded");
  var meta = document.querySelector('meta[name="intake-embed-origins"]');
  var origins = meta ? meta.content.split(" ").filter(Boolean) : [];
  origins.push(location.origin);
  function send(message) {
    for (var i = 0; i < origins.length; i++) {
      try { window.parent.postMessage(message, origins[i]); } catch (e) {}
    }
  }
  var last = 0;
  function height() {
    var h = Math.ceil(root.getBoundingClientRect().height);
    if (h !== last) { last = h; send({ type: "dp-intake:height", height: h }); }
  }
  if (window.ResizeObserver) new ResizeObserver(height).observe(root);
  else setInterval(height, 500);
  height();
  send({ type: "dp-intake:navigated" });
  /* Steps change without a page load once the WebAssembly runs; the title changes with them. */
  var title = document.querySelector("title");
  if (title && window.MutationObserver) {
    new MutationObserver(function () { send({ type: "dp-intake:navigated" }); })
      .observe(title, { childList: true, characterData: true, subtree: true });
  }
})();
