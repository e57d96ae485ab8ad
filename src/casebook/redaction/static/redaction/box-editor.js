/* The box editor: move, resize, draw and remove the boxes to blur, then save them.
 *
 * Boxes live in pixels of the original picture ([left, top, right, bottom]); on screen they
 * are absolutely positioned divs over the <img>, scaled to its displayed size. The textarea
 * of the form always holds the current boxes, so the form works without this script too;
 * with it, saving is a JSON POST and the preview is redrawn without leaving the page.
 * Styles are set through the DOM (element.style), which the content security policy allows.
 */
(function () {
  "use strict";

  function init(editor) {
    var image = editor.querySelector(".box-editor-image");
    var form = document.querySelector("[data-boxes-form]");
    var field = form.querySelector("textarea[name=boxes]");
    var status = form.querySelector("[data-box-status]");
    var removeButton = form.querySelector("[data-remove-box]");
    var approveForm = document.querySelector("[data-approve-form]");
    var preview = document.querySelector("[data-redacted-preview]");
    var width = Number(editor.dataset.width);
    var height = Number(editor.dataset.height);
    var boxes = JSON.parse(document.getElementById("redaction-boxes").textContent || "[]");
    var selected = -1;
    var dirty = false;
    var MIN = 4; // smallest box side, in original pixels

    function scale() { return image.clientWidth / width; }

    function clamp(box) {
      var x1 = Math.max(0, Math.min(box[0], box[2])), x2 = Math.min(width, Math.max(box[0], box[2]));
      var y1 = Math.max(0, Math.min(box[1], box[3])), y2 = Math.min(height, Math.max(box[1], box[3]));
      return [Math.round(x1), Math.round(y1), Math.round(x2), Math.round(y2)];
    }

    function setDirty(value) {
      dirty = value;
      field.value = JSON.stringify(boxes);
      if (approveForm) {
        approveForm.querySelector("button").disabled = dirty;
      }
      status.textContent = dirty ? "Unsaved changes: save the boxes before approving." : status.textContent;
    }

    function render() {
      editor.querySelectorAll(".redaction-box").forEach(function (el) { el.remove(); });
      var s = scale();
      boxes.forEach(function (box, index) {
        var el = document.createElement("div");
        el.className = "redaction-box" + (index === selected ? " is-selected" : "");
        el.tabIndex = 0;
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", "Box " + (index + 1) + " of " + boxes.length +
          ": " + box.join(", ") + ". Arrow keys move, Shift+arrows resize, Delete removes.");
        el.dataset.index = String(index);
        el.style.left = box[0] * s + "px";
        el.style.top = box[1] * s + "px";
        el.style.width = (box[2] - box[0]) * s + "px";
        el.style.height = (box[3] - box[1]) * s + "px";
        var handle = document.createElement("span");
        handle.className = "redaction-box-handle";
        handle.dataset.handle = "1";
        el.appendChild(handle);
        editor.appendChild(el);
        if (index === selected) { el.focus({ preventScroll: true }); }
      });
      removeButton.disabled = selected < 0;
    }

    function pointIn(event) {
      var rect = image.getBoundingClientRect(), s = scale();
      return [(event.clientX - rect.left) / s, (event.clientY - rect.top) / s];
    }

    var drag = null; // {mode: "move"|"resize"|"draw", index, start: [x, y], box}

    editor.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      var target = event.target.closest(".redaction-box");
      var point = pointIn(event);
      if (target) {
        selected = Number(target.dataset.index);
        drag = { mode: event.target.dataset.handle ? "resize" : "move", index: selected,
                 start: point, box: boxes[selected].slice() };
      } else {
        boxes.push([point[0], point[1], point[0], point[1]].map(Math.round));
        selected = boxes.length - 1;
        drag = { mode: "draw", index: selected, start: point, box: boxes[selected].slice() };
      }
      editor.setPointerCapture(event.pointerId);
      event.preventDefault();
      render();
    });

    editor.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var point = pointIn(event), dx = point[0] - drag.start[0], dy = point[1] - drag.start[1];
      var b = drag.box;
      if (drag.mode === "move") {
        var w = b[2] - b[0], h = b[3] - b[1];
        var x1 = Math.max(0, Math.min(width - w, b[0] + dx)), y1 = Math.max(0, Math.min(height - h, b[1] + dy));
        boxes[drag.index] = [x1, y1, x1 + w, y1 + h].map(Math.round);
      } else if (drag.mode === "resize") {
        boxes[drag.index] = clamp([b[0], b[1], Math.max(b[0] + MIN, b[2] + dx), Math.max(b[1] + MIN, b[3] + dy)]);
      } else {
        boxes[drag.index] = clamp([drag.start[0], drag.start[1], point[0], point[1]]);
      }
      render();
    });

    function endDrag() {
      if (!drag) { return; }
      var box = boxes[drag.index];
      if (drag.mode === "draw" && (box[2] - box[0] < MIN || box[3] - box[1] < MIN)) {
        boxes.splice(drag.index, 1); // a click, not a drag: no box
        selected = -1;
      } else {
        setDirty(true);
      }
      drag = null;
      render();
    }
    editor.addEventListener("pointerup", endDrag);
    editor.addEventListener("pointercancel", endDrag);

    editor.addEventListener("keydown", function (event) {
      var target = event.target.closest(".redaction-box");
      if (!target) { return; }
      var index = Number(target.dataset.index), b = boxes[index].slice();
      var step = Math.max(1, Math.round(width / 100));
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      selected = index;
      if (event.key === "Delete" || event.key === "Backspace") {
        boxes.splice(index, 1);
        selected = -1;
      } else if (moves[event.key]) {
        var d = moves[event.key];
        if (event.shiftKey) {
          b = clamp([b[0], b[1], Math.max(b[0] + MIN, b[2] + d[0]), Math.max(b[1] + MIN, b[3] + d[1])]);
        } else {
          var w = b[2] - b[0], h = b[3] - b[1];
          var x1 = Math.max(0, Math.min(width - w, b[0] + d[0])), y1 = Math.max(0, Math.min(height - h, b[1] + d[1]));
          b = [x1, y1, x1 + w, y1 + h];
        }
        boxes[index] = b;
      } else {
        return;
      }
      event.preventDefault();
      setDirty(true);
      render();
    });

    form.querySelector("[data-add-box]").addEventListener("click", function () {
      var w = Math.round(width / 5), h = Math.round(height / 5);
      var x1 = Math.round((width - w) / 2), y1 = Math.round((height - h) / 2);
      boxes.push([x1, y1, x1 + w, y1 + h]);
      selected = boxes.length - 1;
      setDirty(true);
      render();
    });

    removeButton.addEventListener("click", function () {
      if (selected < 0) { return; }
      boxes.splice(selected, 1);
      selected = -1;
      setDirty(true);
      render();
    });

    // Typing in the textarea (the no-script way) also moves the boxes on screen.
    field.addEventListener("input", function () {
      try {
        var parsed = JSON.parse(field.value);
        if (Array.isArray(parsed)) { boxes = parsed.map(clamp); selected = -1; dirty = true; render(); }
      } catch (ignored) { /* finish typing first */ }
    });

    form.addEventListener("submit", function (event) {
      // Approve posts this form to the approval (the server refuses boxes not saved).
      if (event.submitter && event.submitter.hasAttribute("data-approve-button")) { return; }
      if (!window.fetch) { return; } // let the form post itself
      event.preventDefault();
      status.textContent = "Saving…";
      fetch(editor.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value,
        },
        body: JSON.stringify({ boxes: boxes }),
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok) { throw new Error(result.data.error || "The boxes were not saved."); }
        boxes = result.data.boxes;
        if (preview) { preview.src = result.data.redacted_url; }
        document.querySelectorAll("form input[name=version]").forEach(function (input) {
          input.value = result.data.version;
        });
        setDirty(false);
        status.textContent = "Saved: " + boxes.length + " area" + (boxes.length === 1 ? "" : "s") + " blurred.";
        render();
      }).catch(function (error) {
        status.textContent = error.message;
      });
    });

    if (image.complete) { render(); } else { image.addEventListener("load", render); }
    window.addEventListener("resize", render);
    field.value = JSON.stringify(boxes);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-box-editor]").forEach(init);
  });
})();
