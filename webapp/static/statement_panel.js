// Runs as the js_on_load of the roles tab's source panel: when it shows a new passage, scroll the
// passage box so that the highlighted quote is in view (as the chat's panel does), and bring the
// panel itself into view (the list of statements can be long).
watch("value", () => {
  const mark = element.querySelector(".sw-passage mark");
  const box = element.querySelector(".sw-passage");
  if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 4);
  if (element.querySelector(".sw-source")) element.scrollIntoView({ block: "nearest", behavior: "smooth" });
});
