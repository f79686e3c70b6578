/* Puts the data protection complaint form on a council's own page. Paste where it should go:
     <div data-dp-complaint><a href="https://SERVER/">Make a data protection complaint</a></div>
     <script src="https://SERVER/embed.js" async></script>
   Options on the div: data-start="form" (skip the start page), data-title (the frame's
   accessible name). Without JavaScript the link stays, and leads to the same form. */
(function () {
  var script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  function mount(box) {
    if (box.getAttribute("data-dp-mounted")) return;
    box.setAttribute("data-dp-mounted", "1");
    var frame = document.createElement("iframe");
    frame.src = origin + (box.getAttribute("data-start") === "form" ? "/complaint" : "/");
    frame.title = box.getAttribute("data-title") || "Data protection complaint form";
    frame.style.cssText = "display:block;width:100%;min-height:300px;height:800px;border:0";
    box.replaceChildren(frame);
    window.addEventListener("message", function (e) {
      /* Only our own widget, in this very frame, may resize it or move the page. */
      if (e.origin !== origin || e.source !== frame.contentWindow || !e.data) return;
      if (e.data.type === "dp-intake:height" && e.data.height > 0) {
        frame.style.height = Math.min(Math.ceil(e.data.height), 50000) + "px";
      } else if (e.data.type === "dp-intake:navigated" && frame.getBoundingClientRect().top < 0) {
        /* A new step: bring the top of the form into view, not the top of the page. */
        frame.scrollIntoView({ block: "start" });
      }
    });
  }
  var boxes = document.querySelectorAll("[data-dp-complaint]");
  for (var i = 0; i < boxes.length; i++) mount(boxes[i]);
})();
