// The installable app's page side: registers the service worker (sw.js),
// tells it the page's language, keeps this device's push subscription
// known to Cubby (at most once a day), turns notifications on and off on
// the devices page, offers "Install Cubby" where the browser allows it,
// and reports this page's JavaScript errors to Cubby's own server (only
// logged in, at most three a page, never where the person's school
// turned reports off). Pages work without it.
(function () {
  'use strict';
  var body = document.body;
  var loggedIn = body && !body.classList.contains('visitor');
  var lang = document.documentElement.lang || 'en';
  var box = document.querySelector('[data-push]'); // the devices page's notifications switch

  function api(method, path, data) {
    return fetch('/api/v1' + path, {
      method: method, credentials: 'same-origin', keepalive: method !== 'GET',
      headers: data ? { 'Content-Type': 'application/json' } : {},
      body: data ? JSON.stringify(data) : undefined
    });
  }

  // Error reports: the message and stack only; the server cuts them and
  // removes query strings and email addresses again.
  var reported = 0;
  function report(message, stack) {
    if (!loggedIn || reported >= 3 || !message) return;
    try { if (sessionStorage.getItem('cubby-reports-off')) return; } catch (e) { /* private mode */ }
    reported++;
    api('POST', '/client-errors', { message: String(message).slice(0, 500), stack: String(stack || '').slice(0, 4000) })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (j) {
        if (j && j.stored === false) { try { sessionStorage.setItem('cubby-reports-off', '1'); } catch (e) { /* ignore */ } }
      }).catch(function () { /* offline: nothing to do */ });
  }
  window.addEventListener('error', function (e) {
    // Another origin's script says only "Script error."; it is not Cubby's.
    if (!e.filename || e.filename.indexOf(location.origin + '/') !== 0) return;
    report(e.message, e.error && e.error.stack);
  });
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    if (r && r.stack && r.stack.indexOf(location.origin + '/static/') >= 0) report(r.message || String(r), r.stack);
  });

  // "Install Cubby", where the browser offers it.
  var installEvent = null;
  var installButton = document.querySelector('[data-install]');
  window.addEventListener('beforeinstallprompt', function (e) {
    e.preventDefault();
    installEvent = e;
    if (installButton) installButton.hidden = false;
  });
  if (installButton) {
    installButton.addEventListener('click', function () {
      if (!installEvent) return;
      installEvent.prompt();
      installEvent = null;
      installButton.hidden = true;
    });
  }

  if (!('serviceWorker' in navigator)) { pushUnsupported(); return; }
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () { /* no worker: pages still work */ });
  navigator.serviceWorker.ready.then(function (reg) {
    if (reg.active) reg.active.postMessage({ lang: lang });
    if (loggedIn) keepKnown(reg);
    setUpToggle(reg);
  });

  function b64ToBytes(s) {
    var pad = '='.repeat((4 - s.length % 4) % 4);
    var raw = atob((s + pad).replace(/-/g, '+').replace(/_/g, '/'));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function pushSupported(reg) {
    return reg && 'pushManager' in reg && 'Notification' in window;
  }

  // Once a day, tell Cubby this device is in use; a subscription Cubby no
  // longer has (removed, or unused for 60 days) is made again if
  // notifications are still allowed.
  function keepKnown(reg) {
    if (!pushSupported(reg) || Notification.permission !== 'granted') return;
    var today = new Date().toISOString().slice(0, 10);
    try { if (localStorage.getItem('cubby-push-touched') === today) return; } catch (e) { /* ignore */ }
    reg.pushManager.getSubscription().then(function (sub) {
      if (!sub) return;
      return api('POST', '/push/touch', { endpoint: sub.endpoint }).then(function (res) {
        return res.ok ? res.json() : null;
      }).then(function (j) {
        if (j && j.known === false) return api('POST', '/push/subscriptions', sub.toJSON());
      }).then(function () {
        try { localStorage.setItem('cubby-push-touched', today); } catch (e) { /* ignore */ }
      });
    }).catch(function () { /* offline */ });
  }

  // The devices page's button.
  function pushUnsupported() { if (box) say(box.dataset.textUnsupported); }
  function say(text) {
    var status = box && box.querySelector('[data-push-status]');
    if (status) status.textContent = text || '';
  }
  function problemText(res) {
    return res.json().then(function (p) {
      var detail = p && p.detail;
      if (p && p.errors) { for (var k in p.errors) { detail = p.errors[k]; break; } }
      return detail || box.dataset.textFailed;
    }, function () { return box.dataset.textFailed; });
  }

  function setUpToggle(reg) {
    if (!box) return;
    var button = box.querySelector('[data-push-toggle]');
    if (!pushSupported(reg)) { pushUnsupported(); return; }
    function show(sub) {
      button.hidden = false;
      button.disabled = false;
      button.textContent = sub ? box.dataset.labelDisable : box.dataset.labelEnable;
      button.dataset.on = sub ? '1' : '';
      say(sub ? box.dataset.textOn : (Notification.permission === 'denied' ? box.dataset.textDenied : ''));
    }
    reg.pushManager.getSubscription().then(show);
    button.addEventListener('click', function () {
      button.disabled = true;
      say(box.dataset.textWorking);
      if (button.dataset.on) {
        reg.pushManager.getSubscription().then(function (sub) {
          if (!sub) return;
          var endpoint = sub.endpoint;
          return sub.unsubscribe().then(function () { return api('POST', '/push/unsubscribe', { endpoint: endpoint }); });
        }).then(function () { location.reload(); }, function () { say(box.dataset.textFailed); button.disabled = false; });
        return;
      }
      Notification.requestPermission().then(function (perm) {
        if (perm !== 'granted') { say(box.dataset.textDenied); button.disabled = false; return; }
        return api('GET', '/push/key').then(function (res) { return res.json(); }).then(function (k) {
          if (!k.enabled) throw new Error('push off');
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(k.public_key) });
        }).then(function (sub) {
          return api('POST', '/push/subscriptions', sub.toJSON()).then(function (res) {
            if (res.ok) { location.reload(); return; }
            // Refused: nothing was stored, so the browser forgets it too.
            return problemText(res).then(function (text) {
              sub.unsubscribe();
              say(text);
              button.disabled = false;
            });
          });
        });
      }).catch(function () { say(box.dataset.textFailed); button.disabled = false; });
    });
  }
})();
