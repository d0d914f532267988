// Runs as the js_on_load of the source panel (a gr.HTML): `element` is the panel, `trigger` sends
// an event to Python. A click (or Enter) on a source link in the chat, href "#sw-<answer>-c<n>" or
// "#sw-<answer>-r<k>", opens that source in the panel instead of jumping to an anchor.
// The listener sits on the document because the links live in the chatbot, not in the panel; a
// re-mounted panel replaces the previous listener instead of adding a second one.
if (window.__steunwijsMarkerHook) {
  document.removeEventListener("click", window.__steunwijsMarkerHook, true);
}
window.__steunwijsMarkerHook = (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#sw-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  trigger("open_source", { ref: link.getAttribute("href").slice(1) });
  element.scrollIntoView({ block: "nearest", behavior: "smooth" });
};
document.addEventListener("click", window.__steunwijsMarkerHook, true);

// When the panel shows a new source, scroll its passage so that the highlighted quote is in view
// (the passage box scrolls on its own; the page stays where it is).
watch("value", () => {
  const mark = element.querySelector(".sw-passage mark");
  const box = element.querySelector(".sw-passage");
  if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 4);
});
