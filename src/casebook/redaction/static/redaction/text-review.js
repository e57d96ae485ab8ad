/* Text review: selecting words in the original fills "Hide something the machine missed";
 * unticking or ticking a finding shows at once, in the original, what will stay readable, and
 * says that Approve approves the ticks as they stand (the form works without this script). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var original = document.querySelector("[data-original-text]");
    var input = document.querySelector("[data-add-text]");
    if (!original || !input) { return; }
    original.addEventListener("mouseup", function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !original.contains(selection.anchorNode)) { return; }
      var chosen = selection.toString().trim();
      if (chosen && chosen.length <= 300) {
        input.value = chosen;
        input.focus();
      }
    });

    var form = document.querySelector("[data-findings-form]");
    var notice = document.querySelector("[data-unsaved-ticks]");
    if (!form) { return; }
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || box.name !== "redact") { return; }
      var mark = document.getElementById("region-" + box.value);
      if (mark) {
        mark.classList.toggle("is-kept", !box.checked);
        var label = mark.querySelector(".redaction-label");
        if (label) {
          if (!label.dataset.tag) { label.dataset.tag = label.textContent; }
          label.textContent = box.checked ? (label.dataset.tag === "kept" ? "hidden" : label.dataset.tag) : "kept";
        }
      }
      if (notice) { notice.hidden = false; }
    });
  });
})();
