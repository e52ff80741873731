// The transparency page folds each data type into one line. This opens the
// one the address names (the "why we ask" links of every form point at
// #dt-<data type>), also when the fragment changes on the page, and
// unfolds everything for printing. Without it, the page's "open every
// answer" link does the same on the server.
(() => {
  const openTarget = () => {
    let id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch { return; }
    const el = id ? document.getElementById(id) : null;
    if (!(el instanceof HTMLDetailsElement)) return;
    el.open = true;
    const summary = el.querySelector("summary");
    if (summary) summary.focus({ preventScroll: true });
    el.scrollIntoView({ block: "start" });
  };
  window.addEventListener("hashchange", openTarget);
  openTarget();

  let folded = [];
  window.addEventListener("beforeprint", () => {
    folded = Array.from(document.querySelectorAll("details:not([open])"));
    folded.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    folded.forEach((d) => { d.open = false; });
    folded = [];
  });
})();
