// The Sluice console: plain DOM, no framework, no build step. Every piece of text that comes
// from the service or the user is put into the page with textContent, never parsed as HTML.
'use strict';

(function () {
  const TOKEN_KEY = 'sluice.token';
  const ALGORITHMS = ['sliding-window-counter', 'sliding-window-log', 'fixed-window',
    'token-bucket', 'gcra'];
  const SCOPES = ['client', 'user', 'org', 'endpoint', 'global'];
  const COLORS = { allowed: '#1f9d55', denied: '#d64545', shadow_denied: '#d69e2e' };
  const $ = (id) => document.getElementById(id);

  const state = {
    rules: [], etag: null, // the set as last read
    editing: null, // {originalId, isNew, etag, headers}
    screen: null, trafficRule: null, timers: []
  };

  // ---- API ---------------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  async function api(method, path, body, ifMatch) {
    const headers = { 'Accept': 'application/json' };
    const t = token();
    if (t) headers['Authorization'] = 'Bearer ' + t;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ifMatch) headers['If-Match'] = ifMatch;
    const res = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit'
    });
    let json = null;
    const text = await res.text();
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (res.status === 401) logout('The token was refused (401): log in again.');
    return { status: res.status, etag: res.headers.get('ETag'), json, text };
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // ---- screens -----------------------------------------------------------------------------

  function show(screen) {
    state.screen = screen;
    for (const s of ['login', 'rules', 'traffic']) $(s).hidden = s !== screen;
    $('nav').hidden = screen === 'login';
    $('nav-rules').classList.toggle('active', screen === 'rules');
    $('nav-traffic').classList.toggle('active', screen === 'traffic');
    document.body.dataset.screen = screen;
  }

  function logout(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    for (const t of state.timers) clearInterval(t);
    state.timers = [];
    show('login');
    $('login-error').textContent = message || '';
  }

  async function login(event) {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    const r = await api('GET', '/rate-limits/rules');
    if (r.status !== 200) {
      logout(r.status === 401 ? 'That token is not the admin token.'
        : 'The service answered ' + r.status + '.');
      return;
    }
    $('token').value = '';
    $('login-error').textContent = '';
    start();
  }

  function start() {
    showRules();
    health();
    state.timers.push(setInterval(health, 2000));
    state.timers.push(setInterval(() => { if (state.screen === 'traffic') traffic(); }, 1000));
  }

  // ---- health: readiness and breakers ------------------------------------------------------

  async function health() {
    try {
      const r = await fetch('/readyz', { cache: 'no-store' });
      const j = await r.json();
      const ready = $('ready');
      ready.textContent = 'readiness: ' + (j.ready ? 'ready' : 'not ready');
      ready.className = 'pill ' + (j.ready ? 'good' : 'bad');
      let detail = 'engine ' + j.engine + ', rule store ' + j.rule_store + ', ' + j.rules
        + ' rule(s)';
      if (Array.isArray(j.sync)) {
        for (const s of j.sync) {
          detail += '; sync ' + s.peer + ': view ' + s.last_sync_age_ms + ' ms old, lag '
            + s.lag_ms + ' ms';
        }
      }
      $('health-detail').textContent = detail;
    } catch (e) {
      $('ready').textContent = 'readiness: unreachable';
      $('ready').className = 'pill bad';
    }
    try {
      const text = await (await fetch('/metrics', { cache: 'no-store' })).text();
      const names = ['closed', 'half-open', 'open'];
      const states = [];
      for (const line of text.split('\n')) {
        const m = /^sluice_backend_circuit_state\{engine="([^"]*)"[^}]*\}\s+([0-9.]+)/.exec(line);
        if (m) states.push([m[1], Number(m[2])]);
      }
      const worst = states.reduce((w, s) => Math.max(w, s[1]), 0);
      const b = $('breaker');
      b.textContent = 'breaker: ' + (states.length === 0 ? 'n/a'
        : states.map((s) => s[0] + ' ' + (names[s[1]] || s[1])).join(', '));
      b.className = 'pill ' + (worst === 0 ? 'good' : worst === 1 ? 'warn' : 'bad');
    } catch (e) {
      $('breaker').textContent = 'breaker: ?';
    }
  }

  // ---- rules -------------------------------------------------------------------------------

  async function loadRules() {
    const r = await api('GET', '/rate-limits/rules');
    if (r.status !== 200) return false;
    state.rules = r.json.rules;
    state.etag = r.etag;
    $('rules-version').textContent = 'version ' + (r.etag || '?');
    renderRules();
    return true;
  }

  async function showRules() {
    show('rules');
    await loadRules();
  }

  function renderRules() {
    const body = $('rules-list');
    clear(body);
    for (const rule of state.rules) {
      const tr = el('tr');
      tr.dataset.rule = rule.id;
      tr.appendChild(el('td', rule.id, 'rule-id'));
      tr.appendChild(el('td', rule.priority));
      const m = rule.match || {};
      tr.appendChild(el('td', (m.method && m.method.length ? m.method.join(',') : '*') + ' '
        + (m.path == null ? '(any path)' : m.path)));
      tr.appendChild(el('td', (rule.limits || []).map((l) => l.max + '/' + l.window + ' '
        + l.algorithm + (l.scope && l.scope !== 'client' ? ' by ' + l.scope : '')).join('; ')));
      tr.appendChild(el('td', rule.shadow ? 'yes' : ''));
      const td = el('td');
      const edit = el('button', 'Edit', 'edit');
      edit.type = 'button';
      edit.addEventListener('click', () => openRule(rule.id));
      const stats = el('button', 'Traffic', 'to-traffic');
      stats.type = 'button';
      stats.addEventListener('click', () => showTraffic(rule.id));
      td.appendChild(edit);
      td.appendChild(stats);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  async function openRule(id) {
    const r = await api('GET', '/rate-limits/rules/' + encodeURIComponent(id));
    if (r.status !== 200) {
      formError('Could not load rule: ' + ((r.json && r.json.detail) || r.status));
      return;
    }
    edit(r.json, r.etag, false);
  }

  function newRule() {
    edit({ id: '', priority: 0, shadow: false, match: { path: null, method: [], headers: {} },
      limits: [{ window: '1s', max: 10, algorithm: 'sliding-window-counter', scope: 'client' }]
    }, state.etag, true);
  }

  function edit(rule, etag, isNew) {
    state.editing = { originalId: rule.id, isNew, etag, headers: (rule.match || {}).headers || {} };
    $('editor').hidden = false;
    $('editor-title').textContent = isNew ? 'New rule' : 'Rule ' + rule.id;
    $('conflict').hidden = true;
    $('saved').hidden = true;
    $('form-error').hidden = true;
    clearErrors();
    $('f-id').value = rule.id;
    $('f-id').readOnly = !isNew;
    $('f-priority').value = rule.priority;
    $('f-shadow').checked = !!rule.shadow;
    const m = rule.match || {};
    $('f-path').value = m.path == null ? '' : m.path;
    $('f-method').value = (m.method || []).join(', ');
    const hs = Object.entries(state.editing.headers);
    $('f-headers').textContent = hs.length ? hs.map(([k, v]) => k + ': ' + v).join('; ')
      : '(none)';
    clear($('limits'));
    for (const l of rule.limits || []) addLimit(l);
  }

  function addLimit(l) {
    l = l || { window: '1m', max: 100, algorithm: 'sliding-window-counter', scope: 'client' };
    const i = $('limits').children.length;
    const tr = el('tr');
    const cell = (name, control) => {
      const td = el('td');
      control.dataset.pointer = '/limits/' + i + '/' + name;
      control.classList.add('limit-' + name);
      td.appendChild(control);
      const err = el('span', '', 'field-error');
      err.dataset.errorFor = '/limits/' + i + '/' + name;
      td.appendChild(err);
      tr.appendChild(td);
    };
    const input = (v) => { const e = el('input'); e.value = v == null ? '' : v; return e; };
    const select = (options, v) => {
      const s = el('select');
      for (const o of options) s.appendChild(el('option', o));
      s.value = v;
      return s;
    };
    cell('window', input(l.window));
    cell('max', input(l.max));
    cell('algorithm', select(ALGORITHMS, l.algorithm || ALGORITHMS[0]));
    cell('burst', input(l.burst));
    cell('scope', select(SCOPES, l.scope || 'client'));
    const td = el('td');
    const rm = el('button', 'Remove', 'remove-limit');
    rm.type = 'button';
    rm.addEventListener('click', () => { tr.remove(); renumberLimits(); });
    td.appendChild(rm);
    tr.appendChild(td);
    $('limits').appendChild(tr);
  }

  function renumberLimits() {
    [...$('limits').children].forEach((tr, i) => {
      for (const e of tr.querySelectorAll('[data-pointer]')) {
        e.dataset.pointer = e.dataset.pointer.replace(/^\/limits\/\d+/, '/limits/' + i);
      }
      for (const e of tr.querySelectorAll('[data-error-for]')) {
        e.dataset.errorFor = e.dataset.errorFor.replace(/^\/limits\/\d+/, '/limits/' + i);
      }
    });
  }

  /** A number when the text is one; the text otherwise, so the service names what is wrong. */
  function numberOrText(s) {
    const t = s.trim();
    return /^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
  }

  function formRule() {
    const methods = $('f-method').value.split(',').map((s) => s.trim()).filter((s) => s);
    const path = $('f-path').value.trim();
    const limits = [...$('limits').children].map((tr) => {
      const v = (name) => tr.querySelector('.limit-' + name).value;
      const l = { window: v('window').trim(), max: numberOrText(v('max')),
        algorithm: v('algorithm'), scope: v('scope') };
      if (v('burst').trim() !== '') l.burst = numberOrText(v('burst'));
      return l;
    });
    const match = { headers: state.editing.headers };
    if (path) match.path = path;
    if (methods.length) match.method = methods;
    return { id: $('f-id').value, priority: numberOrText($('f-priority').value),
      shadow: $('f-shadow').checked, match, limits };
  }

  function clearErrors() {
    for (const e of document.querySelectorAll('#rule-form [data-error-for]')) e.textContent = '';
    for (const e of document.querySelectorAll('#rule-form .invalid')) {
      e.classList.remove('invalid');
    }
  }

  function formError(text) {
    $('form-error').textContent = text;
    $('form-error').hidden = !text;
  }

  async function save(event) {
    event.preventDefault();
    clearErrors();
    formError('');
    $('saved').hidden = true;
    $('conflict').hidden = true;
    const rule = formRule();
    const id = state.editing.isNew ? rule.id : state.editing.originalId;
    if (!id) {
      showErrors([{ pointer: '/id', detail: 'is required' }]);
      return;
    }
    const r = await api('PUT', '/rate-limits/rules/' + encodeURIComponent(id), rule,
      state.editing.etag);
    if (r.status === 200) {
      state.editing.etag = r.etag;
      state.editing.isNew = false;
      state.editing.originalId = id;
      $('f-id').readOnly = true;
      $('editor-title').textContent = 'Rule ' + id;
      $('saved').textContent = 'Saved: version ' + r.etag;
      $('saved').hidden = false;
      state.rules = r.json.rules;
      state.etag = r.etag;
      $('rules-version').textContent = 'version ' + r.etag;
      renderRules();
    } else if (r.status === 400 && r.json && Array.isArray(r.json.errors)) {
      showErrors(r.json.errors);
    } else if (r.status === 412) {
      $('conflict-text').textContent = 'Someone else saved the rules first (the version is now '
        + (r.etag || '?') + '); your change was not saved. Load the saved version and apply '
        + 'your change again.';
      $('conflict').hidden = false;
      await loadRules(); // the list shows what is saved now; the form keeps the user's edit
    } else {
      formError('Not saved: ' + ((r.json && (r.json.detail || r.json.title)) || r.status));
    }
  }

  function showErrors(errors) {
    const unplaced = [];
    for (const e of errors) {
      const at = document.querySelector('#rule-form [data-error-for="' + CSS.escape(e.pointer)
        + '"]');
      if (!at) {
        unplaced.push((e.path || e.pointer) + ': ' + e.detail);
        continue;
      }
      at.textContent = (at.textContent ? at.textContent + '; ' : '') + e.detail;
      const input = document.querySelector('#rule-form [data-pointer="' + CSS.escape(e.pointer)
        + '"]');
      if (input) input.classList.add('invalid');
    }
    formError(unplaced.join('\n'));
  }

  async function reloadAfterConflict() {
    $('conflict').hidden = true;
    await loadRules();
    if (state.editing.isNew) {
      state.editing.etag = state.etag;
    } else {
      await openRule(state.editing.originalId);
    }
  }

  // ---- traffic -----------------------------------------------------------------------------

  async function showTraffic(id) {
    show('traffic');
    // Every id with statistics: the rules in force, then the Envoy RLS descriptors seen.
    const all = await api('GET', '/rate-limits/stats?top=0');
    const ids = all.status === 200 ? all.json.rules.map((r) => r.rule) : [];
    const sel = $('traffic-rule');
    clear(sel);
    for (const i of ids) sel.appendChild(el('option', i));
    state.trafficRule = id || state.trafficRule || ids[0];
    if (state.trafficRule) sel.value = state.trafficRule;
    await traffic();
  }

  async function traffic() {
    const id = state.trafficRule;
    if (!id) return;
    const r = await api('GET', '/rate-limits/stats/' + encodeURIComponent(id) + '?top=10');
    if (r.status !== 200 || id !== state.trafficRule) return;
    const s = r.json;
    $('traffic-period').textContent = 'last ' + s.period + ' (slices of ' + s.slice + '), '
      + s.requested_total + ' permits asked, ' + s.denied_total + ' denied';
    $('rate-allowed').textContent = s.rates.allowed.toFixed(1);
    $('rate-denied').textContent = s.rates.denied.toFixed(1);
    $('rate-shadow').textContent = s.rates.shadow_denied.toFixed(1);
    $('unique').textContent = s.unique_clients.estimate;
    $('unique-bounds').textContent = '[' + s.unique_clients.lower + ', ' + s.unique_clients.upper
      + '] at 95 %';
    tops('denied-most', 'denied-error', s.denied_most);
    tops('requested-most', 'requested-error', s.requested_most);
    chart(s.series);
  }

  function tops(bodyId, errorId, list) {
    const body = $(bodyId);
    clear(body);
    for (const c of list.clients) {
      const tr = el('tr');
      tr.appendChild(el('td', c.client, 'client'));
      tr.appendChild(el('td', c.estimate));
      tr.appendChild(el('td', c.lower === c.upper ? 'exact' : c.lower + '..' + c.upper));
      body.appendChild(tr);
    }
    if (!list.clients.length) {
      const tr = el('tr');
      const td = el('td', 'none in this period', 'detail');
      td.colSpan = 3;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $(errorId).textContent = list.max_error ? '± up to ' + list.max_error : 'exact';
  }

  /** A line chart of the per-second series, drawn on the canvas. */
  function chart(series) {
    const canvas = $('chart');
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height;
    const left = 50, right = 130, top = 12, bottom = 26;
    const keys = ['allowed', 'denied', 'shadow_denied'];
    const n = series.allowed.length;
    let max = 1, sum = 0;
    for (const k of keys) {
      for (const v of series[k]) { max = Math.max(max, v); sum += v; }
    }
    const nice = niceCeil(max);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#e4e7ec';
    ctx.fillStyle = '#667085';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 5; i++) {
      const y = top + (h - top - bottom) * (1 - i / 5);
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
      ctx.fillText(String(Number((nice * i / 5).toPrecision(3))), 6, y + 4);
    }
    const x = (i) => left + (w - left - right) * (i / Math.max(1, n - 1));
    const y = (v) => top + (h - top - bottom) * (1 - v / nice);
    ctx.fillText('-' + n + ' s', left, h - 8);
    ctx.fillText('now', w - right - 20, h - 8);
    keys.forEach((k, idx) => {
      ctx.strokeStyle = COLORS[k];
      ctx.lineWidth = 2;
      ctx.beginPath();
      series[k].forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
      ctx.stroke();
      ctx.fillStyle = COLORS[k];
      ctx.fillRect(w - right + 12, top + 6 + idx * 18, 10, 10);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(k.replace('_', '-') + '/s', w - right + 27, top + 15 + idx * 18);
    });
    // For tests and curious operators: what the chart shows, as numbers.
    canvas.dataset.sum = String(sum);
    canvas.dataset.max = String(max);
    canvas.dataset.start = String(series.start_s);
  }

  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  // ---- wiring ------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => logout(''));
    $('nav-rules').addEventListener('click', showRules);
    $('nav-traffic').addEventListener('click', () => showTraffic());
    $('new-rule').addEventListener('click', newRule);
    $('add-limit').addEventListener('click', () => addLimit());
    $('rule-form').addEventListener('submit', save);
    $('cancel').addEventListener('click', () => { $('editor').hidden = true; });
    $('conflict-reload').addEventListener('click', reloadAfterConflict);
    $('traffic-rule').addEventListener('change', (e) => {
      state.trafficRule = e.target.value;
      traffic();
    });
    if (token() !== null) {
      start();
    } else {
      show('login');
    }
  });
})();
