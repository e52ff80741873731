// Notification centre: new notifications arrive without reloading. The
// page listens to /notifications/events and, on each event, fetches
// itself again and swaps in the list and the bell's count. Without this
// script the page works the same with a reload.
(() => {
  "use strict";
  const root = document.querySelector("[data-notifications-live]");
  if (!root || !window.EventSource) return;
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch("/notifications", { headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.querySelector("[data-notifications-live]");
      if (fresh) root.replaceChildren(...fresh.childNodes);
      const bell = doc.querySelector('.nav a[href="/notifications"]');
      const mine = document.querySelector('.nav a[href="/notifications"]');
      if (bell && mine) mine.innerHTML = bell.innerHTML;
    } finally {
      busy = false;
    }
  }
  const es = new EventSource("/notifications/events");
  es.addEventListener("notification", refresh);
})();
