// Portfolios: a drawing made in the page (pen, colours, eraser, undo,
// over the activity's template picture) with Pointer Events, so a finger,
// a stylus and a mouse all draw; and a short voice recording with
// MediaRecorder. Both are put into the form's own file inputs, so the
// form posts as it does without this script (text and files then still
// work). The drawing is sent as a PNG of the strokes alone; the server
// lays it over the template and removes every bit of metadata.
(() => {
  "use strict";

  function bindDraw(form) {
    const box = form.querySelector("[data-draw]");
    if (!box || !window.PointerEvent || !window.DataTransfer) return;
    box.hidden = false;
    const canvas = box.querySelector("canvas");
    const bg = box.querySelector(".draw-bg");
    const input = box.querySelector("[data-drawing-input]");
    const ctx = canvas.getContext("2d");
    const strokes = []; // each: {tool, colour, size, points: [[x, y]…]} in canvas pixels
    let current = null;
    let tool = "pen";
    let colour = "#1f2933";
    let size = 6;

    function fit() {
      const w = box.querySelector(".draw-surface").clientWidth || 320;
      let ratio = 3 / 4;
      if (bg && bg.naturalWidth) ratio = bg.naturalHeight / bg.naturalWidth;
      const scale = Math.min(window.devicePixelRatio || 1, 2);
      const old = canvas.width;
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(w * ratio * scale);
      canvas.style.height = Math.round(w * ratio) + "px";
      if (old && old !== canvas.width) {
        const k = canvas.width / old;
        strokes.forEach((s) => { s.size *= k; s.points = s.points.map(([x, y]) => [x * k, y * k]); });
      }
      redraw();
    }

    function paint(s) {
      ctx.save();
      ctx.globalCompositeOperation = s.tool === "eraser" ? "destination-out" : "source-over";
      ctx.strokeStyle = s.colour;
      ctx.fillStyle = s.colour;
      ctx.lineWidth = s.size;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      const p = s.points;
      if (p.length === 1) {
        ctx.beginPath();
        ctx.arc(p[0][0], p[0][1], s.size / 2, 0, Math.PI * 2);
        ctx.fill();
      } else {
        ctx.beginPath();
        ctx.moveTo(p[0][0], p[0][1]);
        for (let i = 1; i < p.length; i++) ctx.lineTo(p[i][0], p[i][1]);
        ctx.stroke();
      }
      ctx.restore();
    }

    function redraw() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      strokes.forEach(paint);
    }

    function at(ev) {
      const r = canvas.getBoundingClientRect();
      return [(ev.clientX - r.left) * (canvas.width / r.width), (ev.clientY - r.top) * (canvas.height / r.height)];
    }

    canvas.style.touchAction = "none"; // the page does not scroll while drawing
    canvas.addEventListener("pointerdown", (ev) => {
      ev.preventDefault();
      try { canvas.setPointerCapture(ev.pointerId); } catch (e) { /* a pointer the browser no longer tracks */ }
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      current = { tool, colour, size: size * scale, points: [at(ev)] };
      strokes.push(current);
      paint(current);
    });
    canvas.addEventListener("pointermove", (ev) => {
      if (!current) return;
      ev.preventDefault();
      current.points.push(at(ev));
      redraw();
    });
    const end = () => { current = null; };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);

    box.querySelectorAll("[data-tool]").forEach((b) => b.addEventListener("click", () => {
      tool = b.dataset.tool;
      box.querySelectorAll("[data-tool]").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
    }));
    box.querySelectorAll("[data-colour]").forEach((b) => {
      b.style.backgroundColor = b.dataset.colour;
      b.addEventListener("click", () => {
        colour = b.dataset.colour;
        tool = "pen";
        box.querySelectorAll("[data-colour]").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
        box.querySelectorAll("[data-tool]").forEach((o) => o.setAttribute("aria-pressed", String(o.dataset.tool === "pen")));
      });
    });
    const range = box.querySelector("[data-size]");
    range && range.addEventListener("input", () => { size = parseInt(range.value, 10) || 6; });
    box.querySelector("[data-undo]").addEventListener("click", () => { strokes.pop(); redraw(); });
    box.querySelector("[data-clear]").addEventListener("click", () => { strokes.length = 0; redraw(); });

    if (bg && !bg.complete) bg.addEventListener("load", fit);
    window.addEventListener("resize", fit);
    fit();

    // On sending, the strokes (if any) become the drawing file. A drawing
    // with nothing on it is not sent; the server refuses one too.
    form.addEventListener("submit", (ev) => {
      if (form.dataset.ready === "1" || !strokes.some((s) => s.tool === "pen")) return;
      ev.preventDefault();
      canvas.toBlob((blob) => {
        const dt = new DataTransfer();
        dt.items.add(new File([blob], "drawing.png", { type: "image/png" }));
        input.files = dt.files;
        form.dataset.ready = "1";
        form.submit();
      }, "image/png");
    });
  }

  function bindVoice(form) {
    const box = form.querySelector("[data-voice]");
    if (!box || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) return;
    const rec = box.querySelector("[data-record]");
    const stop = box.querySelector("[data-stop]");
    const status = box.querySelector("[data-voice-status]");
    const input = box.querySelector("[data-voice-input]");
    let recorder = null;
    let started = 0;
    rec.addEventListener("click", async () => {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (e) {
        return; // no microphone, or not allowed: the file input still works
      }
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", (e) => e.data.size && chunks.push(e.data));
      recorder.addEventListener("stop", () => {
        stream.getTracks().forEach((t) => t.stop());
        const type = recorder.mimeType || "audio/webm";
        const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
        const dt = new DataTransfer();
        dt.items.add(new File(chunks, "recording." + ext, { type }));
        input.files = dt.files;
        // Listen before sending: the recording stays on the device until then.
        const preview = box.querySelector("[data-voice-preview]");
        if (preview) {
          if (preview.src) URL.revokeObjectURL(preview.src);
          preview.src = URL.createObjectURL(dt.files[0]);
          preview.hidden = false;
        }
        const secs = Math.round((Date.now() - started) / 1000);
        status.textContent = status.dataset.recorded.replace("{seconds}", secs);
        rec.hidden = false;
        stop.hidden = true;
      });
      recorder.start();
      started = Date.now();
      status.textContent = status.dataset.recording;
      rec.hidden = true;
      stop.hidden = false;
    });
    stop.addEventListener("click", () => recorder && recorder.state !== "inactive" && recorder.stop());
  }

  function confirmDeletes(root) {
    root.querySelectorAll("form[data-confirm]").forEach((f) => {
      f.addEventListener("submit", (ev) => { if (!window.confirm(f.dataset.confirm)) ev.preventDefault(); });
    });
  }

  document.querySelectorAll("[data-portfolio-compose]").forEach((form) => { bindDraw(form); bindVoice(form); });
  confirmDeletes(document);
})();
