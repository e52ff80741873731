// The classroom tools: full screen for the projector, a short name roll
// before the picker's pick, the timer and the noise meter. The picker and
// the groups work without this file; the timer and the noise meter need
// it, and their pages say so in <noscript>.
(() => {
  "use strict";
  const stage = document.querySelector("[data-stage]");
  if (!stage) return;

  // Full screen: the stage fills the projector; the button says how out.
  document.querySelectorAll("[data-fullscreen]").forEach((btn) => {
    if (!document.fullscreenEnabled) { btn.remove(); return; }
    const label = btn.textContent;
    btn.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else stage.requestFullscreen().catch(() => {});
    });
    document.addEventListener("fullscreenchange", () => {
      btn.textContent = document.fullscreenElement ? btn.dataset.exit : label;
      stage.classList.toggle("is-fullscreen", !!document.fullscreenElement);
    });
  });

  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // The picker: roll through the names for a moment, then land on the pick
  // the server made (the name is already in the page, so nothing depends
  // on this).
  const pick = document.querySelector("[data-pick-name]");
  const names = [...document.querySelectorAll("[data-pick-names] li")].map((li) => li.textContent);
  if (pick && names.length > 1 && !reduced) {
    const chosen = pick.textContent;
    const box = pick.closest("[data-pick]");
    box.classList.add("rolling");
    let i = 0;
    const roll = setInterval(() => { pick.textContent = names[i++ % names.length]; }, 70);
    setTimeout(() => { clearInterval(roll); pick.textContent = chosen; box.classList.remove("rolling"); }, 900);
  }

  const timer = document.querySelector("[data-timer]");
  if (timer) setUpTimer(timer);
  const noise = document.querySelector("[data-noise]");
  if (noise) setUpNoise(noise);

  function setUpTimer(el) {
    const display = el.querySelector("[data-timer-display]");
    const status = el.querySelector("[data-timer-status]");
    const start = el.querySelector("[data-timer-start]");
    const pause = el.querySelector("[data-timer-pause]");
    const reset = el.querySelector("[data-timer-reset]");
    const sound = el.querySelector("[data-timer-sound]");
    const custom = el.querySelector("[data-timer-custom]");
    const err = el.querySelector("[data-timer-error]");
    let length = 300; // seconds
    let endsAt = 0; // while running
    let left = length * 1000; // while paused or stopped
    let tick = null;
    let audio = null;
    let wake = null;

    const fmt = (ms) => {
      const s = Math.max(0, Math.ceil(ms / 1000));
      const m = Math.floor(s / 60);
      return String(m).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    };
    const show = (ms) => { display.textContent = fmt(ms); };
    const running = () => tick !== null;

    const beep = () => {
      if (!sound.checked || !audio) return;
      // Three short rising tones, made here: no sound file to fetch.
      [0, 0.35, 0.7].forEach((at, i) => {
        const o = audio.createOscillator();
        const g = audio.createGain();
        o.frequency.value = 660 + i * 220;
        o.type = "sine";
        const t = audio.currentTime + at;
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.5, t + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
        o.connect(g).connect(audio.destination);
        o.start(t);
        o.stop(t + 0.32);
      });
    };
    const stopTick = () => {
      clearInterval(tick);
      tick = null;
      if (wake) { wake.release().catch(() => {}); wake = null; }
    };
    const finish = () => {
      stopTick();
      left = 0;
      show(0);
      el.classList.add("done");
      status.textContent = el.dataset.done;
      start.textContent = el.dataset.start;
      pause.disabled = true;
      beep();
    };
    const go = () => {
      if (running()) return;
      if (left <= 0) left = length * 1000;
      // The sound is allowed only after a tap, so the audio starts here.
      if (!audio && (window.AudioContext || window.webkitAudioContext)) audio = new (window.AudioContext || window.webkitAudioContext)();
      if (audio && audio.state === "suspended") audio.resume();
      if (navigator.wakeLock) navigator.wakeLock.request("screen").then((w) => { wake = w; }).catch(() => {});
      el.classList.remove("done");
      endsAt = Date.now() + left;
      tick = setInterval(() => {
        const ms = endsAt - Date.now();
        if (ms <= 0) finish(); else show(ms);
      }, 200);
      show(left);
      status.textContent = el.dataset.running;
      pause.disabled = false;
    };
    const hold = () => {
      if (!running()) return;
      left = Math.max(0, endsAt - Date.now());
      stopTick();
      status.textContent = el.dataset.paused;
      start.textContent = el.dataset.resume;
      pause.disabled = true;
    };
    const set = (seconds) => {
      stopTick();
      length = seconds;
      left = seconds * 1000;
      el.classList.remove("done");
      show(left);
      status.textContent = "";
      start.textContent = el.dataset.start;
      pause.disabled = true;
    };

    start.addEventListener("click", go);
    pause.addEventListener("click", hold);
    reset.addEventListener("click", () => set(length));
    el.querySelectorAll("[data-seconds]").forEach((b) => b.addEventListener("click", () => set(parseInt(b.dataset.seconds, 10))));
    custom.addEventListener("submit", (e) => {
      e.preventDefault();
      const m = Number(custom.minutes.value || 0);
      const s = Number(custom.seconds.value || 0);
      const ok = Number.isInteger(m) && Number.isInteger(s) && m >= 0 && m <= 120 && s >= 0 && s <= 59 && m * 60 + s > 0;
      err.hidden = ok;
      custom.minutes.toggleAttribute("aria-invalid", !ok);
      custom.seconds.toggleAttribute("aria-invalid", !ok);
      if (!ok) { err.textContent = el.dataset.bad; return; }
      set(m * 60 + s);
    });
    document.addEventListener("keydown", (e) => {
      if (e.key !== " " || e.target.closest("input, button, select, textarea, a")) return;
      e.preventDefault();
      if (running()) hold(); else go();
    });
    show(left);
  }

  function setUpNoise(el) {
    const start = el.querySelector("[data-noise-start]");
    const stop = el.querySelector("[data-noise-stop]");
    const fill = el.querySelector("[data-noise-fill]");
    const word = el.querySelector("[data-noise-word]");
    const err = el.querySelector("[data-noise-error]");
    const limit = el.querySelector("[data-noise-limit]");
    const mark = el.querySelector("[data-noise-limit-mark]");
    let stream = null;
    let audio = null;
    let frame = 0;
    let level = 0;
    let loudSince = 0;

    const showLimit = () => { mark.style.insetInlineStart = limit.value + "%"; };
    limit.addEventListener("input", showLimit);
    showLimit();

    const fail = (text) => {
      err.textContent = text;
      err.hidden = false;
      err.tabIndex = -1;
      err.focus();
    };
    const end = () => {
      cancelAnimationFrame(frame);
      if (stream) stream.getTracks().forEach((t) => t.stop());
      if (audio) audio.close();
      stream = null;
      audio = null;
      start.hidden = false;
      stop.hidden = true;
      el.classList.remove("loud");
      fill.style.inlineSize = "0%";
      word.textContent = el.dataset.stopped;
    };

    start.addEventListener("click", async () => {
      err.hidden = true;
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        fail(window.isSecureContext ? el.dataset.nomic : el.dataset.insecure);
        return;
      }
      try {
        // The sound goes to an analyser in this page and nowhere else:
        // nothing records it, keeps it or sends it.
        stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
      } catch (e) {
        stream = null;
        if (e && (e.name === "NotAllowedError" || e.name === "SecurityError")) fail(el.dataset.denied);
        else if (e && (e.name === "NotFoundError" || e.name === "OverconstrainedError")) fail(el.dataset.nomic);
        else fail(el.dataset.failed);
        return;
      }
      audio = new (window.AudioContext || window.webkitAudioContext)();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      audio.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      start.hidden = true;
      stop.hidden = false;
      word.textContent = el.dataset.listening;
      const step = () => {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        const rms = Math.sqrt(sum / buf.length);
        // Decibels below full scale, -70 (silence) … 0, as 0 … 100.
        const db = 20 * Math.log10(Math.max(rms, 1e-7));
        const now = Math.min(100, Math.max(0, ((db + 70) / 70) * 100));
        level = level * 0.8 + now * 0.2;
        fill.style.inlineSize = level.toFixed(1) + "%";
        const max = Number(limit.value);
        const t = performance.now();
        if (level > max) { if (!loudSince) loudSince = t; } else loudSince = 0;
        const loud = loudSince && t - loudSince > 1000;
        el.classList.toggle("loud", !!loud);
        const text = loud ? el.dataset.loud : level > max * 0.7 ? el.dataset.ok : el.dataset.quiet;
        if (word.textContent !== text) word.textContent = text;
        frame = requestAnimationFrame(step);
      };
      step();
    });
    stop.addEventListener("click", end);
    window.addEventListener("pagehide", end);
  }
})();
