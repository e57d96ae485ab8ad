// Casebook's only script, for two conveniences; every page works without it.

// "Add another" rows in the incident editor without a reload. Without this script the same
// buttons post the form back and the server adds the row.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-template`);
  const rows = document.getElementById(`${prefix}-rows`);
  if (!total || !template || !rows) return;
  event.preventDefault();
  const index = Number(total.value);
  const html = template.innerHTML
    .replaceAll("__prefix__", String(index))
    .replaceAll("__number__", String(index + 1));
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = rows.lastElementChild?.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus();
});

// Filters sent by htmx leave out empty fields, so the address bar shows only the filters used
// (/incidents/?act_type=arrest rather than ten empty parameters). A search sent as its words
// are typed says so: its last word may be unfinished and also matches the start of a word.
document.addEventListener("htmx:configRequest", (event) => {
  const data = event.detail.formData;
  if (!data || event.detail.verb !== "get") return;
  for (const [name, value] of [...data.entries()]) {
    if (value === "") data.delete(name);
  }
  if (event.detail.triggeringEvent?.type === "keyup") {
    event.detail.headers["X-Casebook-Typing"] = "true";
  }
});
