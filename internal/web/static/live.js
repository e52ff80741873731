// Live points for families: new points appear on the page as the teacher
// gives them, through server-sent events from this same server.
(() => {
  "use strict";
  const live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) return;
  const es = new EventSource("/events");
  es.addEventListener("point", (msg) => {
    const e = JSON.parse(msg.data);
    const card = live.querySelector(`[data-live-student="${e.student_id}"]`);
    if (!card) return;
    const total = card.querySelector("[data-today-total]");
    if (total) total.textContent = parseInt(total.textContent, 10) + (e.undone ? -e.weight : e.weight);
    const list = card.querySelector("[data-timeline]");
    if (!list) return;
    const empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    if (e.undone) {
      const li = list.querySelector(`[data-point="${e.point_id}"]`);
      if (li) li.remove();
      return;
    }
    const li = document.createElement("li");
    li.dataset.point = e.point_id;
    li.className = "new";
    const pt = document.createElement("span");
    pt.className = "pt " + (e.weight > 0 ? "pos" : e.weight < 0 ? "neg" : "zero");
    pt.textContent = (e.weight > 0 ? "+" : "") + e.weight;
    li.append(pt, " " + e.skill);
    list.prepend(li);
  });
})();
