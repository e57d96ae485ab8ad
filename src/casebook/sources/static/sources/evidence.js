// Evidence upload: drag and drop several files, one request per file with its own progress
// bar and result. Without this script the same form posts all files at once and the server
// answers with the results. Names are only ever set as text, never as HTML.
(() => {
  "use strict";
  const PARALLEL = 2;

  function setup(form) {
    const url = form.dataset.uploadUrl;
    const maxBytes = Number(form.dataset.maxBytes || 0);
    const maxSize = form.dataset.maxSize || "";
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector("[data-drop-zone]");
    const list = form.querySelector("[data-upload-list]");
    const caption = form.querySelector("input[name=caption]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let stored = 0;

    function row(file) {
      const item = document.createElement("li");
      item.className = "upload-item";
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", `Upload progress of ${file.name}`);
      const status = document.createElement("span");
      status.className = "upload-status";
      status.textContent = "Waiting…";
      item.append(name, bar, status);
      list.append(item);
      return { item, bar, status };
    }

    function finish(view, state, message) {
      view.item.classList.add(`outcome-${state}`);
      view.bar.value = 100;
      const label = { stored: "Stored.", duplicate: "Already here.", refused: "Refused." }[state];
      view.status.textContent = `${label} ${message}`;
      if (state === "stored") stored += 1;
    }

    function send(file, view) {
      return new Promise((resolve) => {
        if (maxBytes && file.size > maxBytes) {
          finish(view, "refused", `The file is larger than the limit of ${maxSize}.`);
          resolve();
          return;
        }
        const data = new FormData();
        data.append("file", file, file.name);
        data.append("caption", caption ? caption.value : "");
        const xhr = new XMLHttpRequest();
        xhr.open("POST", url);
        xhr.setRequestHeader("X-CSRFToken", token);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.responseType = "json";
        xhr.upload.addEventListener("progress", (event) => {
          if (event.lengthComputable) {
            view.bar.value = Math.round((event.loaded / event.total) * 100);
            view.status.textContent = `Uploading… ${view.bar.value}%`;
          }
        });
        xhr.upload.addEventListener("load", () => {
          view.status.textContent = "Checking…";
        });
        xhr.addEventListener("load", () => {
          const answer = xhr.response;
          if (answer && answer.status) {
            finish(view, answer.status, answer.message || "");
          } else if (xhr.status === 403) {
            finish(view, "refused", "Your account may not add evidence to this incident, or your session has expired: reload the page.");
          } else {
            finish(view, "refused", `The server could not take this file (HTTP ${xhr.status}).`);
          }
          resolve();
        });
        xhr.addEventListener("error", () => {
          finish(view, "refused", "The connection failed before the file was sent. Try again.");
          resolve();
        });
        view.status.textContent = "Uploading…";
        xhr.send(data);
      });
    }

    async function uploadAll(files) {
      const queue = Array.from(files).map((file) => [file, row(file)]);
      const workers = Array.from({ length: PARALLEL }, async () => {
        while (queue.length) {
          const [file, view] = queue.shift();
          await send(file, view);
        }
      });
      await Promise.all(workers);
      if (stored) {
        stored = 0;
        try {
          await refreshFiles();
        } catch (problem) {
          offerReload();
        }
      }
    }

    // The list of files below is read again from the server once the uploads are done, so it
    // shows what was just stored (with the same rights to see pictures as on a fresh visit).
    async function refreshFiles() {
      const response = await fetch(window.location.pathname, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-evidence-files]");
      const current = document.querySelector("[data-evidence-files]");
      if (!fresh || !current) throw new Error("No list of files in the answer.");
      current.replaceWith(document.importNode(fresh, true));
      const reload = form.querySelector(".upload-reload");
      if (reload) reload.remove();
    }

    function offerReload() {
      if (form.querySelector(".upload-reload")) return;
      const again = document.createElement("a");
      again.className = "button upload-reload";
      again.href = window.location.pathname;
      again.textContent = "Show the new files in the list";
      list.after(again);
    }

    form.addEventListener("submit", (event) => {
      if (!input.files.length) return;
      event.preventDefault();
      uploadAll(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    }));
    ["dragleave", "dragend"].forEach((type) => zone.addEventListener(type, () => {
      zone.classList.remove("dragging");
    }));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        uploadAll(event.dataTransfer.files);
      }
    });
    // Files are sent by the script, so the browser need not insist on a choice first.
    input.required = false;
  }

  document.querySelectorAll("form.evidence-upload[data-upload-url]").forEach(setup);
})();
