// The school finder's "Use my location" button. Only when it is clicked does
// the page ask the browser for the position; it rounds it to about 100 m
// and submits the search form with it. The position goes nowhere else, and
// the server uses it for that one search without storing it.
(() => {
  const button = document.getElementById("use-location");
  if (!button || !button.form) return;
  const form = button.form;
  const status = document.getElementById("location-status");
  const say = (text) => { if (status) status.textContent = text; };
  button.addEventListener("click", () => {
    if (!("geolocation" in navigator)) {
      say(button.dataset.unavailable);
      return;
    }
    button.disabled = true;
    say(button.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.lat.value = pos.coords.latitude.toFixed(3);
        form.elements.lon.value = pos.coords.longitude.toFixed(3);
        form.requestSubmit();
      },
      (err) => {
        button.disabled = false;
        say(err.code === err.PERMISSION_DENIED ? button.dataset.denied : button.dataset.unavailable);
      },
      { enableHighAccuracy: false, maximumAge: 600000, timeout: 20000 },
    );
  });
})();
