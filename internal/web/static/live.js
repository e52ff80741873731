// Live points for families: new points appear on the page as the teacher
// gives them, through server-sent events from this same server. Today's
// and this week's totals both change, and a new row says when it was given.
(() => {
  "use strict";
  const live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) return;
  // A weight as the server writes it (format_numbers.go): "+1", "0", "−1",
  // isolated left-to-right so Arabic shows "+1", not "1+".
  const signed = (v) => {
    const b = document.createElement("bdi");
    b.dir = "ltr";
    b.className = "num";
    b.textContent = v > 0 ? "+" + v : v < 0 ? "\u2212" + -v : "0";
    return b;
  };
  const add = (el, delta) => {
    if (el) el.textContent = parseInt(el.textContent, 10) + delta;
  };
  const es = new EventSource("/events");
  es.addEventListener("point", (msg) => {
    const e = JSON.parse(msg.data);
    const card = live.querySelector(`[data-live-student="${e.student_id}"]`);
    if (!card) return;
    const delta = e.undone ? -e.weight : e.weight;
    add(card.querySelector("[data-today-total]"), delta);
    add(card.querySelector("[data-week-total]"), delta);
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
    pt.append(signed(e.weight));
    const skill = document.createElement("bdi");
    skill.textContent = e.skill;
    const when = document.createElement("time");
    when.className = "muted small";
    when.dateTime = e.at;
    when.textContent = e.time;
    li.append(pt, " ", skill, " ", when);
    list.prepend(li);
  });
})();
