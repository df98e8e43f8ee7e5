/** The customer portal page's HTML (SPEC §12): landmarks and an alert region; content comes from portal.js. */
export const PORTAL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Customer portal</title>
<link rel="stylesheet" href="/portal/assets/portal.css">
<script src="/portal/assets/portal.js" defer></script>
</head>
<body>
<main id="main" aria-busy="true">
<h1>Customer portal</h1>
<p id="status" role="status">Signing you in…</p>
<div id="message" role="alert" hidden></div>
<section id="account" hidden aria-labelledby="invoices-heading">
<p id="who"></p>
<h2 id="invoices-heading">Invoices</h2>
<table id="invoices" aria-labelledby="invoices-heading">
<thead><tr><th scope="col">Number</th><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
<tbody></tbody>
</table>
<p id="no-invoices" hidden>No invoices yet.</p>
<h2 id="schedules-heading">Recurring schedules</h2>
<table id="schedules" aria-labelledby="schedules-heading">
<thead><tr><th scope="col">Interval</th><th scope="col">Next invoice</th><th scope="col">Amount</th></tr></thead>
<tbody></tbody>
</table>
<p id="no-schedules" hidden>No active recurring schedules.</p>
<button type="button" id="sign-out">Sign out</button>
</section>
</main>
</body>
</html>
`;

/** The page's only stylesheet (no inline styles: helmet's CSP). */
export const PORTAL_CSS = `body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:48rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
table{width:100%;border-collapse:collapse;margin:1rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e6ea}
td.amount{text-align:right;font-variant-numeric:tabular-nums}
[role=alert]{padding:.75rem;border-radius:6px;background:#fff4e5;border:1px solid #f0b45a}
button{font:inherit;padding:.5rem 1rem;cursor:pointer}
[hidden]{display:none!important}
`;

/**
 * The page's script (SPEC §6, §12). It removes `#token=…` from the address bar and history before
 * anything else, redeems it once, keeps the session `{token, expiresAt}` in sessionStorage (this
 * tab only; never localStorage or cookies), lists the session's invoices, and signs out.
 */
export const PORTAL_JS = `'use strict';
(function () {
  var KEY = 'payment-gateway.portal.session';
  var API = '/api/v1/portal';

  function safeDecode(s) { try { return decodeURIComponent(s); } catch (e) { return ''; } }
  function el(id) { return document.getElementById(id); }
  function done() { el('main').setAttribute('aria-busy', 'false'); el('status').textContent = ''; }
  function message(text) {
    done();
    el('account').hidden = true;
    var m = el('message');
    m.textContent = text;
    m.hidden = false;
  }
  var EXPIRED = 'This link has already been used or has expired. Ask the merchant who sent it to you for a new one.';
  function readSession() {
    try {
      var s = JSON.parse(window.sessionStorage.getItem(KEY) || 'null');
      if (s && typeof s.token === 'string' && Date.parse(s.expiresAt) > Date.now()) return s;
    } catch (e) { /* unreadable: treated as none */ }
    window.sessionStorage.removeItem(KEY);
    return null;
  }
  function call(method, path, token, body) {
    var headers = { accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return window.fetch(API + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  }
  function money(minor, currency) {
    try {
      var f = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency });
      var digits = f.resolvedOptions().maximumFractionDigits;
      return f.format(minor / Math.pow(10, digits));
    } catch (e) { return minor + ' ' + currency; }
  }
  function day(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    // A date without a time (YYYY-MM-DD) is a calendar day: shown as is, whatever the time zone.
    var opts = { year: 'numeric', month: 'short', day: 'numeric' };
    if (iso.length === 10) opts.timeZone = 'UTC';
    return isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, opts);
  }
  function cell(row, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td); }
  function show(session) {
    Promise.all([call('GET', '/session', session.token), call('GET', '/invoices?limit=100', session.token), call('GET', '/recurring-schedules?limit=100', session.token)]).then(function (rs) {
      if (rs[0].status === 401 || rs[1].status === 401 || rs[2].status === 401) {
        window.sessionStorage.removeItem(KEY);
        message('Your session has ended. Open a new link from the merchant to sign in again.');
        return null;
      }
      if (!rs[0].ok || !rs[1].ok || !rs[2].ok) throw new Error('HTTP ' + rs[0].status + '/' + rs[1].status + '/' + rs[2].status);
      return Promise.all([rs[0].json(), rs[1].json(), rs[2].json()]).then(function (bodies) {
        var who = bodies[0];
        var page = bodies[1];
        el('who').textContent = 'Signed in as ' + who.email;
        var tbody = el('invoices').querySelector('tbody');
        tbody.textContent = '';
        page.items.forEach(function (inv) {
          var tr = document.createElement('tr');
          cell(tr, inv.number || '');
          cell(tr, day(inv.issuedAt || inv.createdAt));
          cell(tr, money(inv.totalAmount, inv.currency), 'amount');
          cell(tr, inv.status === 'issued' ? 'Issued' : inv.status);
          tbody.appendChild(tr);
        });
        el('no-invoices').hidden = page.items.length > 0;
        el('invoices').hidden = page.items.length === 0;
        var schedules = bodies[2].items;
        var sbody = el('schedules').querySelector('tbody');
        sbody.textContent = '';
        schedules.forEach(function (sc) {
          var tr = document.createElement('tr');
          cell(tr, sc.interval.charAt(0).toUpperCase() + sc.interval.slice(1));
          cell(tr, day(sc.nextRunDate));
          var total = sc.lines.reduce(function (sum, l) { return sum + l.quantity * l.unitAmount; }, 0);
          cell(tr, money(total, sc.currency), 'amount');
          sbody.appendChild(tr);
        });
        el('no-schedules').hidden = schedules.length > 0;
        el('schedules').hidden = schedules.length === 0;
        done();
        el('message').hidden = true;
        el('account').hidden = false;
      });
    }).catch(function () { message('Something went wrong loading your account. Please try again later.'); });
  }
  el('sign-out').addEventListener('click', function () {
    var session = readSession();
    window.sessionStorage.removeItem(KEY);
    var after = function () { message('You have signed out.'); };
    if (!session) { after(); return; }
    call('POST', '/auth/logout', session.token).then(after, after);
  });

  // Runs on load, and again when a link is opened in a tab already on this page (same-document
  // navigation changes only the fragment, so the page does not reload).
  function start() {
  var hash = window.location.hash;
  if (hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  var match = /^#token=([^&]*)$/.exec(hash);
  var linkToken = match ? safeDecode(match[1]) : null;
  if (linkToken !== null) {
    window.sessionStorage.removeItem(KEY);
    if (linkToken === '') { message(EXPIRED); return; }
    call('POST', '/auth/magic-link', null, { token: linkToken }).then(function (r) {
      if (r.ok) return r.json().then(function (s) { window.sessionStorage.setItem(KEY, JSON.stringify({ token: s.token, expiresAt: s.expiresAt })); show(s); });
      if (r.status === 429) { message('Too many attempts. Please wait a few minutes, then open the link again.'); return; }
      message(EXPIRED);
    }).catch(function () { message('The portal could not be reached. Check your connection and open the link again.'); });
    return;
  }
  var existing = readSession();
  if (existing) show(existing);
  else message(hash ? EXPIRED : 'To see your invoices, open the sign-in link the merchant sent you. Ask them for a new one if it has expired.');
  }
  window.addEventListener('hashchange', function () { if (window.location.hash) start(); });
  start();
})();
`;
