// Phone tables: the button before a table shows or hides its secondary columns.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".cols-toggle");
  if (!button) return;
  const wrap = button.nextElementSibling;
  if (!wrap) return;
  const all = wrap.classList.toggle("all-cols");
  button.setAttribute("aria-pressed", String(all));
  button.textContent = all ? button.dataset.less : button.dataset.more;
});
