// Messages: new messages and read receipts arrive without reloading, a
// draft is kept on the device while typing (a lost network loses no long
// message), too many files are caught before sending, and lifting a
// block asks first. Every page works without this script.
(() => {
  "use strict";

  const pendingKey = "cubby-draft-pending";
  const draftKey = (form) => "cubby-draft:" + form.dataset.draft;

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }

  // The draft: saved as it is typed, offered again after a reload or a
  // failed send, forgotten once the message was sent (?sent= on the page
  // the server answers with).
  function bindDrafts() {
    const local = store("localStorage"), session = store("sessionStorage");
    if (!local) return;
    const url = new URL(window.location.href);
    if (url.searchParams.has("sent")) {
      const key = session && session.getItem(pendingKey);
      if (key) local.removeItem(key);
      if (session) session.removeItem(pendingKey);
      url.searchParams.delete("sent");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    document.querySelectorAll("form[data-draft]").forEach((form) => {
      const text = form.querySelector("textarea[name=text]");
      if (!text) return;
      const key = draftKey(form);
      const note = form.querySelector("[data-draft-note]");
      const saved = local.getItem(key);
      if (saved && !text.value) {
        text.value = saved;
        if (note) note.hidden = false;
      }
      text.addEventListener("input", () => {
        if (text.value.trim()) local.setItem(key, text.value);
        else local.removeItem(key);
      });
      form.addEventListener("submit", () => {
        if (session) session.setItem(pendingKey, key);
      });
    });
  }

  function bindFiles() {
    document.querySelectorAll("input[type=file][data-max-files]").forEach((input) => {
      const max = parseInt(input.dataset.maxFiles, 10) || 5;
      const check = () => {
        input.setCustomValidity(input.files.length > max ? input.dataset.tooMany : "");
        return input.files.length <= max;
      };
      input.addEventListener("change", () => { check(); input.reportValidity(); });
      input.form && input.form.addEventListener("submit", (ev) => {
        if (!check()) { ev.preventDefault(); input.reportValidity(); }
      });
    });
  }

  function bindConfirm() {
    document.addEventListener("submit", (ev) => {
      const form = ev.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
    document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
  }

  // Live: the stream names a conversation that changed; the page fetches
  // itself again (the server checks who may see it) and swaps in the
  // messages or the inbox, and the unread count.
  function bindLive() {
    const live = document.querySelector("[data-msg-live]");
    if (!live || !window.EventSource || !window.fetch) return;
    const conv = live.dataset.conversation;
    let busy = false, again = false;
    async function refresh(mine) {
      if (busy) { again = true; return; }
      busy = true;
      try {
        const resp = await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!resp.ok) return;
        const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
        const region = document.querySelector("[data-msg-region]"), fresh = doc.querySelector("[data-msg-region]");
        // Unchanged (the refresh as the stream opens, mostly): nothing is
        // swapped, so nothing under the reader's eyes or cursor moves.
        if (mine && region && fresh && region.innerHTML !== fresh.innerHTML && !region.querySelector("details[open]")) {
          const atEnd = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
          region.replaceChildren(...fresh.childNodes);
          if (conv && atEnd) {
            const last = region.querySelector(".msg:last-child");
            if (last) last.scrollIntoView({ block: "end" });
          }
        }
        document.querySelectorAll(".nav a[href='/messages']").forEach((a) => {
          const f = doc.querySelector(".nav a[href='/messages']");
          if (f) a.replaceChildren(...f.childNodes);
        });
      } catch (e) {
        // Offline for a moment: the next event or a reload catches up.
      } finally {
        busy = false;
        if (again) { again = false; refresh(true); }
      }
    }
    const es = new EventSource("/messages/events");
    // Whatever changed between the page being made and the stream
    // opening (a receipt, an answer) is fetched once it listens.
    es.addEventListener("open", () => refresh(true));
    es.addEventListener("message", (msg) => {
      let e;
      try { e = JSON.parse(msg.data); } catch (err) { return; }
      refresh(!conv || e.conversation_id === conv);
    });
  }

  bindDrafts();
  bindFiles();
  bindConfirm();
  bindLive();
})();
