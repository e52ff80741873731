// The bell, live on every page: the page listens to /notifications/events
// and, when the unread count changes, fetches the notification centre and
// swaps in the bell (and, on the centre itself, the list). Without this
// script every page works the same with a reload.
(() => {
  "use strict";
  const root = document.querySelector("[data-notifications-live]");
  const bell = () => document.querySelector('.nav a[href="/notifications"]');
  if (!window.EventSource || !window.fetch || (!root && !bell())) return;
  let busy = false, again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch("/notifications", { headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.querySelector("[data-notifications-live]");
      if (root && fresh) root.replaceChildren(...fresh.childNodes);
      const theirs = doc.querySelector('.nav a[href="/notifications"]'), mine = bell();
      if (theirs && mine) mine.replaceChildren(...theirs.childNodes);
    } catch (e) {
      // Offline for a moment: the next event or a reload catches up.
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  let unread = null;
  const es = new EventSource("/notifications/events");
  es.addEventListener("notification", (ev) => {
    let n = null;
    try { n = JSON.parse(ev.data).unread; } catch (e) { /* an old server: refresh */ }
    if (!root && n !== null && n === unread) return;
    unread = n;
    refresh();
  });
})();
