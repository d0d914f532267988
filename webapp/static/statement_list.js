// Runs as the js_on_load of a list of roles-map statements (a gr.HTML): a click on a statement's
// number, a <button data-ref="n"> (so Enter and Space work too), sends "open_statement" with that
// number to Python, which shows its passage in the tab's source panel. The listener sits on the
// list itself, so it survives the list being refilled and never sees the chat's links.
element.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button[data-ref]");
  if (!button || !element.contains(button)) return;
  event.preventDefault();
  trigger("open_statement", { ref: button.dataset.ref });
});
