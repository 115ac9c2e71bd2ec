// Column descriptions (from the warehouse's comments) fold into one line above the table, and
// each also shows as its column header's tooltip: the rows stay on the first screen.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("dl.column-descriptions");
  if (!list) return;
  for (const term of list.querySelectorAll("dt")) {
    const header = document.querySelector(`th.col-${CSS.escape(term.textContent.trim())}`);
    if (header && term.nextElementSibling) header.title = term.nextElementSibling.textContent.trim();
  }
  const details = document.createElement("details");
  details.className = "column-descriptions";
  const summary = document.createElement("summary");
  summary.textContent = "What each column means";
  list.replaceWith(details);
  details.append(summary, list);
});
