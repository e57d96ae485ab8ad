/* Text review: selecting words in the original fills "Hide something the machine missed". */
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
  });
})();
