// The class screen: tap a student, tap a skill, done — without a page
// load, with a few seconds to undo. Everything here also works as plain
// links and forms when this script does not run.
(() => {
  "use strict";
  const grid = document.querySelector("[data-class]");
  const sheet = document.querySelector("[data-sheet]");
  const form = document.querySelector("[data-award-form]");
  document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
  if (!grid || !sheet || !form) return;
  const classID = grid.dataset.class;
  const title = sheet.querySelector("[data-sheet-title]");
  const toast = document.querySelector("[data-toast]");
  const toastText = toast.querySelector("[data-toast-text]");
  let selecting = false;
  let target = null; // {ids: [...]} or {whole: true}
  let lastAward = null;
  let toastTimer = null;

  const open = (t, label) => {
    target = t;
    title.textContent = label;
    sheet.classList.add("open");
    sheet.querySelector(".skill").focus();
  };
  const close = () => {
    sheet.classList.remove("open");
    target = null;
  };

  const selectBtn = document.querySelector("[data-select-mode]");
  const cancelBtn = document.querySelector("[data-select-cancel]");
  const countOut = document.querySelector("[data-select-count]");
  const toolbar = document.querySelector("[data-toolbar]");
  const chosen = () => [...grid.querySelectorAll(".student.selected [data-student]")];
  // While choosing, the button says how many are chosen and gives them a
  // point ("Give a point to the chosen (3)"); the toolbar stays in view.
  const showCount = () => {
    if (!selectBtn) return;
    const n = chosen().length;
    selectBtn.textContent = selecting ? selectBtn.dataset.give.replace("{count}", n) : selectBtn.dataset.label;
    selectBtn.disabled = selecting && n === 0;
    if (countOut) countOut.textContent = selecting ? selectBtn.textContent : "";
  };
  const setSelecting = (on) => {
    selecting = on;
    if (!on) grid.querySelectorAll(".student.selected").forEach((s) => {
      s.classList.remove("selected");
      s.querySelector("[data-student]").removeAttribute("aria-pressed");
    });
    grid.classList.toggle("selecting", on);
    if (toolbar) toolbar.classList.toggle("selecting", on);
    if (cancelBtn) cancelBtn.hidden = !on;
    showCount();
  };

  grid.addEventListener("click", (e) => {
    const tap = e.target.closest("[data-student]");
    if (!tap) return;
    e.preventDefault();
    if (selecting) {
      const tile = tap.closest(".student");
      tile.classList.toggle("selected");
      tap.setAttribute("aria-pressed", tile.classList.contains("selected"));
      showCount();
      return;
    }
    open({ ids: [tap.dataset.student] }, tap.dataset.name);
  });

  if (selectBtn) {
    selectBtn.hidden = false;
    selectBtn.dataset.label = selectBtn.textContent;
    selectBtn.addEventListener("click", () => {
      if (!selecting) {
        setSelecting(true);
        return;
      }
      const ids = chosen().map((a) => a.dataset.student);
      const label = selectBtn.textContent;
      setSelecting(false);
      if (ids.length) open({ ids }, label);
    });
  }
  if (cancelBtn) cancelBtn.addEventListener("click", () => setSelecting(false));
  const whole = document.querySelector("[data-whole-class]");
  if (whole) {
    whole.addEventListener("click", (e) => {
      e.preventDefault();
      open({ whole: true }, whole.textContent);
    });
  }
  sheet.querySelector("[data-sheet-close]").addEventListener("click", (e) => {
    e.preventDefault();
    close();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (selecting) setSelecting(false);
    close();
  });

  // A tile's number, written as the server writes it (format_numbers.go):
  // "+3", "0", "−2", isolated left-to-right so Arabic shows "+1", not "1+".
  const signed = (v) => (v > 0 ? "+" + v : v < 0 ? "\u2212" + -v : "0");
  const bump = (id, delta) => {
    const b = grid.querySelector(`[data-bubble="${id}"]`);
    if (!b) return;
    const v = parseInt(b.dataset.value, 10) + delta;
    b.dataset.value = v;
    const out = b.querySelector(".num");
    if (out) out.textContent = signed(v);
    b.classList.toggle("neg", v < 0);
    b.classList.remove("pop");
    void b.offsetWidth; // restart the animation
    b.classList.add("pop");
  };

  const showToast = (text) => {
    toastText.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.hidden = true; lastAward = null; }, 8000);
  };

  form.addEventListener("submit", async (e) => {
    if (!target) return; // no JS target: let the form post
    e.preventDefault();
    const skill = e.submitter;
    const body = { skill_id: skill.value, note: form.note.value };
    if (target.whole) body.whole_class = true; else body.student_ids = target.ids;
    close();
    const res = await fetch(`/api/v1/classes/${classID}/points`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Math.random()) },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const out = await res.json().catch(() => ({}));
    if (!res.ok) {
      showToast(out.detail || res.statusText);
      toast.querySelector("[data-undo]").hidden = true;
      return;
    }
    form.note.value = "";
    lastAward = out.awards;
    out.awards.forEach((a) => bump(a.student_id, a.weight));
    const name = skill.querySelector(".skill-name").textContent;
    toast.querySelector("[data-undo]").hidden = false;
    showToast(`${skill.querySelector(".skill-weight").textContent} ${name} · ${out.awards.length}`);
  });

  toast.querySelector("[data-undo]").addEventListener("click", async () => {
    if (!lastAward) return;
    const awards = lastAward;
    lastAward = null;
    for (const a of awards) {
      const res = await fetch(`/api/v1/points/${a.id}`, { method: "DELETE", credentials: "same-origin" });
      if (res.ok) bump(a.student_id, -a.weight);
    }
    toast.hidden = true;
  });
})();
