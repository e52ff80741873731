// Class Story and School Story: upload progress on the composer, the wait
// for a post's photos, new posts announced live, and a confirmation
// before deleting a post. Everything works without this script.
(() => {
  "use strict";

  function bindCompose(root) {
    const form = root.querySelector("[data-story-compose]");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    const input = form.querySelector("input[type=file]");
    const max = parseInt(input && input.dataset.maxFiles, 10) || 10;
    const box = form.querySelector("[data-story-upload]");
    const label = form.querySelector("[data-story-upload-text]");
    const bar = box && box.querySelector("progress");
    input && input.addEventListener("change", () => {
      input.setCustomValidity(input.files.length > max ? form.dataset.tooMany : "");
      input.reportValidity();
    });
    form.addEventListener("submit", (ev) => {
      if (input && input.files.length > max) {
        ev.preventDefault();
        input.reportValidity();
        return;
      }
      ev.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      box.hidden = false;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const pct = Math.round((e.loaded / e.total) * 100);
        bar.value = pct;
        label.textContent = form.dataset.pctLabel.replace("{pct}", pct);
      });
      xhr.addEventListener("load", () => {
        // The answer is the page to show next: the story with the new
        // post (and its confirmation), or the form with what was wrong.
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        if (!doc.querySelector("main")) { window.location.assign(xhr.responseURL || form.action); return; }
        document.body.innerHTML = doc.body.innerHTML;
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) history.replaceState(null, "", xhr.responseURL);
        init(document);
        const err = document.querySelector("main .form-error, main .field-error");
        if (err) err.scrollIntoView({ block: "center" });
      });
      xhr.addEventListener("error", () => { button.disabled = false; box.hidden = true; });
      xhr.send(new FormData(form));
    });
  }

  function watchProcessing(root) {
    root.querySelectorAll("[data-story-wait]").forEach((el) => {
      const id = el.dataset.storyWait;
      const tick = () => {
        fetch(`/stories/${id}/status`, { credentials: "same-origin" }).then((r) => r.ok ? r.json() : null).then((s) => {
          if (!s) return;
          el.textContent = el.dataset.template.replace("{ready}", s.ready).replace("{total}", s.total);
          if (s.published) { window.location.reload(); return; }
          setTimeout(tick, 1500);
        }).catch(() => setTimeout(tick, 5000));
      };
      setTimeout(tick, 1000);
    });
  }

  function confirmDeletes(root) {
    root.querySelectorAll("form[data-confirm]").forEach((f) => {
      f.addEventListener("submit", (ev) => { if (!window.confirm(f.dataset.confirm)) ev.preventDefault(); });
    });
  }

  function init(root) {
    bindCompose(root);
    watchProcessing(root);
    confirmDeletes(root);
  }

  init(document);

  const live = document.querySelector("[data-story-live]");
  if (live && window.EventSource) {
    const es = new EventSource("/events");
    es.addEventListener("story", (msg) => {
      const e = JSON.parse(msg.data);
      if (document.getElementById("post-" + e.post_id)) return;
      const note = document.querySelector("[data-story-new]");
      if (note) note.hidden = false;
    });
  }
})();
