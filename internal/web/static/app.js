// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (e) => {
  const el = e.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.requestSubmit();
  }
});
// A refused form's error sits at the top of its form: move focus there, so
// it is read out and, on a phone, scrolled into view even when the form is
// far down the page (a parent's "connect a child" below their children).
document.addEventListener("DOMContentLoaded", () => {
  const err = document.querySelector("main .form-error[role=alert]");
  if (!err || document.activeElement !== document.body) return;
  err.tabIndex = -1;
  err.focus();
});
