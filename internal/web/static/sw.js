// Cubby's service worker (served at /sw.js, with self.CUBBY set before
// this by the server: the release, the app shell's URLs and the
// notification texts). It keeps Cubby's own static files and the offline
// page, and nothing else: pages, API answers and files of people are
// never cached, so nothing personal stays on the device. Without a
// network a page shows the offline page. A push carries only a kind and
// an id; the notification says something generic in the person's
// language and opens Cubby, which shows the rest after login.
'use strict';
var C = self.CUBBY;
var CACHE = 'cubby-static-' + C.version;
var SETTINGS = 'cubby-settings';

function noCredentials(url) { return new Request(url, { credentials: 'omit' }); }

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(C.shell.map(noCredentials));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n !== CACHE && n !== SETTINGS;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/static/') === 0) {
    // Fingerprinted, so a cached copy is always right.
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(req).then(function (hit) {
        return hit || fetch(req).then(function (res) {
          if (res.ok && res.type === 'basic') cache.put(req, res.clone());
          return res;
        });
      });
    }));
    return;
  }
  if (req.mode === 'navigate') {
    // Pages always come from the network and are never stored.
    event.respondWith(fetch(req).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(C.offline); });
    }));
  }
});

// The page tells the worker the person's language; the offline page is
// fetched again in it (without cookies, so it names no one).
self.addEventListener('message', function (event) {
  var lang = event.data && event.data.lang;
  if (typeof lang !== 'string' || !C.texts[lang]) return;
  event.waitUntil(caches.open(SETTINGS).then(function (s) {
    return s.match('/__lang').then(function (old) {
      return old ? old.text() : '';
    }).then(function (prev) {
      if (prev === lang) return;
      return s.put('/__lang', new Response(lang)).then(function () {
        return fetch(noCredentials(C.offline + '?lang=' + encodeURIComponent(lang)));
      }).then(function (res) {
        if (res.ok) return caches.open(CACHE).then(function (cache) { return cache.put(C.offline, res); });
      });
    });
  }).catch(function () {}));
});

function language() {
  return caches.open(SETTINGS).then(function (s) { return s.match('/__lang'); })
    .then(function (r) { return r ? r.text() : ''; })
    .then(function (lang) {
      if (C.texts[lang]) return lang;
      var nav = (self.navigator.language || 'en').slice(0, 2);
      return C.texts[nav] ? nav : 'en';
    });
}

self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var kind = typeof data.kind === 'string' ? data.kind : '';
  var id = typeof data.id === 'number' && data.id > 0 ? data.id : 0;
  event.waitUntil(language().then(function (lang) {
    var t = C.texts[lang];
    return self.registration.showNotification(t.title, {
      body: t.kinds[kind] || t.generic,
      icon: C.icon,
      badge: C.icon,
      lang: lang,
      dir: lang === 'ar' ? 'rtl' : 'ltr',
      tag: kind ? kind + '-' + id : 'cubby',
      data: { url: id ? '/notifications/' + id : '/notifications' }
    });
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if ('navigate' in list[i] && 'focus' in list[i]) {
        return list[i].navigate(url).then(function (c) { return c && c.focus(); });
      }
    }
    return self.clients.openWindow(url);
  }));
});
