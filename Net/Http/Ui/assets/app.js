// MiniMesos web UI: plain JavaScript, no framework, no build step. Served from the binary at /ui/ (docs/ui.md).
// Everything shown comes from the HTTP API with the tab's token; text from the cluster is only ever set as text.
'use strict';
(() => {
  const TOKEN_KEY = 'minimesos.token';
  const REFUSED = 'The master refused the token (401): it was changed, revoked or has expired. Sign in again.';
  const SOURCES = {
    status: '/v1/status', agents: '/v1/agents', tasks: '/v1/tasks', apps: '/v2/apps', appTasks: '/v2/tasks',
    jobs: '/v1/jobs', frameworks: '/v1/frameworks', roles: '/v1/roles', queue: '/v2/queue',
  };
  const LIVE = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE'];
  const S = {
    token: null, admin: false, data: {}, events: [], lastSeq: 0, page: null, arg: null, view: null,
    evAbort: null, timer: null, pending: null, sig: '', online: true,
  };
  const main = document.getElementById('main');

  // ---------- small helpers ----------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'value') { el.setAttribute('value', v); el.value = v; }
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(3)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const when = (t) => {
    if (t === null || t === undefined || t === '') return '—';
    const d = typeof t === 'number' ? new Date(t) : new Date(t);
    return isNaN(d) ? String(t) : d.toLocaleString();
  };
  const num = (x, digits = 2) => (typeof x === 'number' ? String(Math.round(x * 10 ** digits) / 10 ** digits) : '—');
  const mib = (x) => (typeof x !== 'number' ? '—' : x >= 10240 ? `${num(x / 1024, 1)} GiB` : `${x} MiB`);
  const short = (s) => String(s || '').replace(/^TASK_/, '').toLowerCase();
  function stateClass(state) {
    const s = short(state);
    if (['running', 'finished', 'active', 'succeeded', 'leader', 'idle'].includes(s)) return 'ok';
    if (['failed', 'lost', 'gone', 'error', 'unreachable', 'dropped'].includes(s)) return 'bad';
    return 'warn';
  }
  const badge = (state) => h('span', { class: 'badge ' + stateClass(state), text: short(state) || '—' });
  function toast(message) {
    const t = document.getElementById('toast');
    t.textContent = message;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.textContent = ''; }, 5000);
  }
  function bar(label, used, total, unit, text) {
    const pct = total > 0 ? Math.min(100, Math.max(0, (used / total) * 100)) : 0;
    const fill = h('span');
    fill.style.width = pct.toFixed(1) + '%';
    return h('div', {},
      h('div', { class: 'barlabel' }, h('span', { text: label }), h('span', { text: text || `${num(used)} / ${num(total)} ${unit}` })),
      h('div', { class: 'bar', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': used }, fill));
  }
  function table(headers, rows, label) {
    return h('div', { class: 'table-wrap' }, h('table', { 'aria-label': label },
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.startsWith('~') ? 'hide-sm' : null, text: x.replace(/^~/, '') })))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted', text: 'none' })))));
  }
  const td = (content, cls) => h('td', { class: cls }, content);
  const kv = (pairs) => h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
  const link = (href, text, cls) => h('a', { href, class: cls, text });
  const taskLink = (id) => link('#/task/' + encodeURIComponent(id), id, 'mono');
  const errorText = (r) => (r.json && (r.json.error || r.json.message)) || r.text || `HTTP ${r.status}`;

  // ---------- API ----------
  class SignedOut extends Error {}
  async function api(method, path, body) {
    if (!S.token) throw new SignedOut();
    const init = { method, headers: { Authorization: 'Bearer ' + S.token }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(path, init);
    if (r.status === 401) {
      signOut(REFUSED);
      throw new SignedOut();
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: r.status, ok: r.ok, json, text, headers: r.headers };
  }
  // An action: runs the call, says what happened, refreshes.
  async function act(label, method, path, body) {
    try {
      const r = await api(method, path, body);
      toast(r.ok ? label + ': done' : `${label}: ${errorText(r)}`);
      scheduleRefresh(100);
      return r;
    } catch (e) {
      if (!(e instanceof SignedOut)) toast(`${label}: ${e.message}`);
      return null;
    }
  }

  // ---------- sign-in ----------
  const dialog = document.getElementById('login');
  function askToken(message) {
    document.getElementById('login-error').textContent = message || '';
    if (!dialog.open) dialog.showModal();
    document.getElementById('login-token').focus();
  }
  document.getElementById('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = document.getElementById('login-token');
    const token = input.value.trim();
    if (!token) return;
    const r = await fetch('/v1/whoami', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' }).catch(() => null);
    if (!r || !r.ok) {
      document.getElementById('login-error').textContent = r ? `The master refused this token (${r.status}).` : 'The master cannot be reached.';
      return;
    }
    input.value = '';
    dialog.close();
    await signIn(token, (await r.json()).role);
  });
  dialog.addEventListener('cancel', (e) => { if (!S.token) e.preventDefault(); });
  document.getElementById('logout').addEventListener('click', () => signOut(''));

  async function signIn(token, role) {
    S.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    S.admin = role === 'admin';
    document.body.classList.toggle('read-only', !S.admin);
    document.getElementById('who').textContent = `${S.admin ? 'admin' : 'read-only'} · times in ${Intl.DateTimeFormat().resolvedOptions().timeZone}`;
    document.getElementById('logout').hidden = false;
    S.sig = '';
    route();
    await refresh();
    streamEvents();
    clearInterval(S.timer);
    S.timer = setInterval(() => refresh(), 5000);
  }
  function signOut(message) {
    S.token = null;
    S.online = true;
    document.getElementById('toast').textContent = '';
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(S.timer);
    if (S.evAbort) S.evAbort.abort();
    if (S.view && S.view.leave) S.view.leave();
    S.data = {};
    S.events = [];
    S.lastSeq = 0;
    document.getElementById('logout').hidden = true;
    document.getElementById('who').textContent = '';
    main.replaceChildren(h('p', { class: 'muted', text: 'Signed out.' }));
    askToken(message);
  }
  async function start() {
    const m = /^#code=([A-Za-z0-9_-]{1,200})$/.exec(location.hash);
    if (m) {
      // The code never stays in the address bar or history; it is exchanged once for a session token.
      history.replaceState(null, '', location.pathname + '#/overview');
      const r = await fetch('/v1/ui/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: m[1] }) }).catch(() => null);
      if (r && r.ok) {
        const s = await r.json();
        await signIn(s.token, s.role);
        return;
      }
      askToken('This login link was already used or has expired: run `minimesos ui` again, or paste a token.');
      return;
    }
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      const r = await fetch('/v1/whoami', { headers: { Authorization: 'Bearer ' + saved }, cache: 'no-store' }).catch(() => null);
      if (r && r.ok) {
        await signIn(saved, (await r.json()).role);
        return;
      }
      sessionStorage.removeItem(TOKEN_KEY);
    }
    askToken('');
  }

  // ---------- live data ----------
  async function refresh() {
    if (!S.token) return;
    try {
      const results = await Promise.all(Object.entries(SOURCES).map(async ([key, path]) => [key, await api('GET', path)]));
      for (const [key, r] of results) if (r.ok) S.data[key] = r.json;
      S.data.waiting = await waitingReasons();
      setOnline(true);
      render(false);
    } catch (e) {
      if (!(e instanceof SignedOut) && S.token) setOnline(false);
    }
  }
  // Why each app in /v2/queue is short of instances: its own answer says so in a header (Marathon's app object has
  // no such field); an app the leader has no reason for shows how many instances wait.
  async function waitingReasons() {
    const reasons = {};
    await Promise.all((S.data.queue?.queue || []).map(async (q) => {
      const r = await api('GET', '/v2/apps' + q.app.id);
      reasons[q.app.id] = (r.ok && r.headers.get('X-MiniMesos-Waiting')) || `${q.count} instance(s) waiting`;
    }));
    return reasons;
  }
  function scheduleRefresh(ms) {
    clearTimeout(S.pending);
    S.pending = setTimeout(refresh, ms);
  }
  function setOnline(online) {
    if (S.online === online) return;
    S.online = online;
    toast(online ? 'Connected to the master again.' : 'The master cannot be reached; retrying.');
  }
  async function streamEvents() {
    if (S.evAbort) S.evAbort.abort();
    const abort = new AbortController();
    S.evAbort = abort;
    let delay = 1000;
    while (S.token && !abort.signal.aborted) {
      try {
        const r = await fetch('/v1/events?since=' + S.lastSeq, { headers: { Authorization: 'Bearer ' + S.token }, signal: abort.signal });
        if (r.status === 401) { signOut(REFUSED); return; }
        if (r.ok && r.body) {
          delay = 1000;
          const reader = r.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (line) onEvent(JSON.parse(line));
            }
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 15000);
    }
  }
  function onEvent(e) {
    if (e.seq <= S.lastSeq) return;
    S.lastSeq = e.seq;
    S.events.push(e);
    if (S.events.length > 300) S.events.splice(0, S.events.length - 300);
    scheduleRefresh(300);
    if (S.page === 'events') render(true);
  }

  // ---------- routing and rendering ----------
  function route() {
    const parts = location.hash.replace(/^#\/?/, '').split('/');
    const page = PAGES[parts[0]] ? parts[0] : 'overview';
    const arg = parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : null;
    if (S.view && S.view.leave) S.view.leave();
    S.page = page;
    S.arg = arg;
    for (const a of document.querySelectorAll('nav a')) {
      const target = a.getAttribute('href').slice(2);
      if (target === page || (page === 'task' && target === 'tasks') || (page === 'job' && target === 'jobs')) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    S.view = PAGES[page](arg);
    main.replaceChildren(S.view.el);
    S.sig = '';
    render(true);
    main.dataset.page = page;
  }
  window.addEventListener('hashchange', () => { if (S.token) { route(); main.focus(); } });

  // Re-renders the live part of the page when the data changed. Only nodes that differ are replaced, so a
  // button a person is about to press stays put unless what it acts on changed; focus and typing are kept.
  function render(force) {
    if (!S.view || !S.token || !S.data.status) return;
    const sig = JSON.stringify(S.data) + S.admin + (S.page === 'events' ? S.events.length : '');
    if (!force && sig === S.sig) return;
    S.sig = sig;
    const live = S.view.live;
    const focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.dataset.k : null;
    const typed = {};
    for (const el of live.querySelectorAll('[data-k][data-dirty]')) typed[el.dataset.k] = el.value;
    patch(live, [S.view.update()].flat().filter(Boolean), 0);
    for (const [k, v] of Object.entries(typed)) {
      const el = live.querySelector(`[data-k="${CSS.escape(k)}"]`);
      if (el && !el.dataset.dirty) { el.value = v; el.dataset.dirty = '1'; }
    }
    if (focused && !live.contains(document.activeElement)) {
      const el = live.querySelector(`[data-k="${CSS.escape(focused)}"]`);
      if (el) el.focus();
    }
  }
  const sameAttributes = (a, b) => a.attributes.length === b.attributes.length
    && [...a.attributes].every((x) => b.getAttribute(x.name) === x.value);
  function patch(parent, fresh, depth) {
    const old = [...parent.childNodes];
    fresh.forEach((node, i) => {
      const was = old[i];
      if (!was) parent.append(node);
      else if (was.isEqualNode(node)) return;
      else if (depth < 8 && was.nodeType === 1 && node.nodeType === 1 && was.tagName === node.tagName && sameAttributes(was, node)
        && !was.matches('button, input, select, textarea, a')) patch(was, [...node.childNodes], depth + 1);
      else was.replaceWith(node);
    });
    for (let i = fresh.length; i < old.length; i++) old[i].remove();
  }
  const dirty = (e) => { e.target.dataset.dirty = '1'; };
  // A page: a title, parts built once (forms, the log; before and after) and a live part rebuilt from the data.
  function view(title, staticPart, update, leave, after) {
    const live = h('div', { class: 'live' });
    return { el: h('section', {}, h('h1', { text: title }), staticPart, live, after), live, update, leave };
  }
  const agentName = (id) => {
    const a = (S.data.agents?.agents || []).find((x) => x.id === id);
    return a ? a.hostname : id || '—';
  };
  const tasks = () => S.data.tasks?.tasks || [];
  const appOf = (taskId) => (S.data.appTasks?.tasks || []).find((t) => t.id === taskId)?.appId;
  const agentState = (a) => (a.state || (a.connected ? 'active' : 'disconnected'));

  // ---------- pages ----------
  const PAGES = {};

  PAGES.overview = () => view('Cluster', null, () => {
    const st = S.data.status;
    const leader = st.leader ? String(st.leader) : null;
    const agents = S.data.agents?.agents || [];
    const byState = {};
    for (const a of agents) byState[agentState(a)] = (byState[agentState(a)] || 0) + 1;
    const raftOk = leader && !st.raft_stopped;
    const counts = Object.entries(st.tasks || {}).sort();
    return [
      h('div', { class: 'grid' },
        h('div', { class: 'card' }, h('h3', { text: 'Raft' }), kv([
          ['health', h('span', { class: 'badge ' + (raftOk ? 'ok' : 'bad'), text: st.raft_stopped ? 'stopped' : leader ? 'leader elected' : 'no leader' })],
          ['leader', h('span', { class: 'mono', text: leader || 'none elected' })],
          ['term', String(st.term)], ['commit / applied', `${st.commit} / ${st.applied}`],
          st.raft_stopped && ['stopped', h('span', { class: 'bad', text: st.raft_stopped })],
        ])),
        h('div', { class: 'card' }, h('h3', { text: 'This master' }), kv([
          ['id', h('span', { class: 'mono', text: String(st.id) })], ['role', badge(st.role)], ['version', st.version],
        ])),
        h('div', { class: 'card', id: 'task-counts' }, h('h3', { text: 'Tasks by state' }),
          counts.length ? kv(counts.map(([s, n]) => [short(s), h('span', { class: stateClass(s), text: String(n) })])) : h('p', { class: 'muted', text: 'no tasks' })),
        h('div', { class: 'card' }, h('h3', { text: 'Agents' }),
          kv([['total', String(agents.length)], ...Object.entries(byState).map(([s, n]) => [s, h('span', { class: stateClass(s), text: String(n) })])]))),
      h('h2', { text: 'Masters' }),
      table(['Master', 'Role', '~Cluster address', '~API', 'Version'], (st.masters || []).map((m) => h('tr', {},
        td(h('span', { class: 'mono', text: String(m.id) })), td(badge(m.role)), td(m.cluster_address || '—', 'hide-sm'), td(m.api_url || '—', 'hide-sm'),
        td(m.id === st.id ? st.version : m.version || h('span', { class: 'muted', text: 'not heard yet' })))), 'Masters'),
      h('h2', { text: 'Agents' }),
      h('div', { class: 'grid' }, agents.map((a) => agentCard(a, false))),
    ];
  });

  function agentCard(a, full) {
    const state = agentState(a);
    const mine = tasks().filter((t) => t.agent_id === a.id && LIVE.includes(t.state));
    return h('div', { class: 'card agent', 'data-agent': a.hostname },
      h('h3', {}, a.hostname, ' ', h('span', { class: 'badge agent-state ' + stateClass(state), text: state })),
      !a.connected && state === 'active' ? h('p', { class: 'warn', text: 'not connected' }) : null,
      bar('CPU used / offered', a.cpus - a.free_cpus, a.cpus, 'cpus'),
      bar('Memory used / offered', a.mem - a.free_mem, a.mem, 'MiB'),
      typeof a.free_disk === 'number' ? bar('Disk used / offered', a.disk - a.free_disk, a.disk, 'MiB') : null,
      a.disk_total_mb
        ? h('div', { class: 'disk' }, bar('Filesystem used / size', a.disk_total_mb - a.disk_free_mb, a.disk_total_mb, 'MiB',
          a.disk_total_mb >= 10240 ? `${num((a.disk_total_mb - a.disk_free_mb) / 1024, 1)} / ${num(a.disk_total_mb / 1024, 1)} GiB`
            : `${a.disk_total_mb - a.disk_free_mb} / ${a.disk_total_mb} MiB`),
          h('div', { class: 'barlabel' }, h('span', { text: `${mib(a.disk_free_mb)} free in the work dir's filesystem` })))
        : h('div', { class: 'barlabel disk' }, h('span', { text: 'Filesystem' }), h('span', { text: a.connected ? 'not reported' : 'not connected' })),
      full ? [
        kv([['id', h('span', { class: 'mono', text: a.id })], ['connected', a.connected ? 'yes' : 'no'], a.ports && ['ports', a.ports],
          ...Object.entries(a.attributes || {}).sort().map(([k, v]) => [k, v])]),
        h('h4', { text: `Tasks (${mine.length})` }),
        mine.length ? h('ul', {}, mine.map((t) => h('li', {}, taskLink(t.id), ' ', badge(t.state)))) : h('p', { class: 'muted', text: 'none running' }),
        S.admin ? h('div', { class: 'actions' },
          state === 'draining' || state === 'drained'
            ? h('button', { type: 'button', 'data-k': 'reactivate-' + a.id, 'aria-label': `Reactivate ${a.hostname}`, text: 'Reactivate',
              onclick: () => act(`reactivate ${a.hostname}`, 'POST', `/v1/agents/${encodeURIComponent(a.id)}/reactivate`) })
            : h('button', { type: 'button', class: 'danger', 'data-k': 'drain-' + a.id, 'aria-label': `Drain ${a.hostname}`, text: 'Drain',
              onclick: () => act(`drain ${a.hostname}`, 'POST', `/v1/agents/${encodeURIComponent(a.id)}/drain`) })) : null,
      ] : h('p', { class: 'muted', text: `${mine.length} live task(s)` }));
  }

  PAGES.agents = () => view('Agents', null, () => {
    const agents = S.data.agents?.agents || [];
    return agents.length ? h('div', { class: 'grid' }, agents.map((a) => agentCard(a, true))) : h('p', { class: 'muted', text: 'No agent has registered.' });
  });

  // Field errors from the API (/v1 "field", /v2 "details[].path") shown under the input they name.
  function clearErrors(form) {
    for (const el of form.querySelectorAll('.err')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }
  function showFieldErrors(form, r) {
    clearErrors(form);
    const problems = [];
    if (r.json?.details?.length) for (const d of r.json.details) problems.push([d.path, (d.errors || []).join('; ')]);
    else if (r.json?.field !== undefined) problems.push([r.json.field, r.json.reason || errorText(r)]);
    else problems.push(['', errorText(r)]);
    for (const [path, message] of problems) {
      const top = String(path || '').replace(/^\//, '').split(/[./[]/)[0];
      const input = form.querySelector(`[name="${CSS.escape(top)}"]`) || form.querySelector('[name="json"]');
      const err = form.querySelector(`#err-${CSS.escape(input.name)}`);
      err.textContent = path ? `${String(path).replace(/^\//, '')}: ${message}` : message;
      input.setAttribute('aria-invalid', 'true');
    }
  }
  function field(name, label, attrs, cls) {
    return h('div', { class: cls },
      h('label', { for: 'f-' + name, text: label }),
      h(attrs.rows ? 'textarea' : 'input', { id: 'f-' + name, name, 'aria-describedby': 'err-' + name, ...attrs }),
      h('p', { class: 'err', id: 'err-' + name, role: 'alert' }));
  }
  function deployForm() {
    const form = h('form', { class: 'card', id: 'deploy', novalidate: true, 'aria-label': 'Deploy an app' },
      h('h2', { text: 'Deploy an app' }),
      h('div', { class: 'form' },
        field('id', 'Id', { placeholder: '/web', required: true, autocomplete: 'off' }),
        field('cmd', 'Command', { placeholder: 'python3 -m http.server $PORT0', autocomplete: 'off' }, 'wide'),
        field('instances', 'Instances', { type: 'number', min: 0, step: 1, value: '1' }),
        field('cpus', 'CPUs', { type: 'number', step: 'any', value: '0.1' }),
        field('mem', 'Memory (MiB)', { type: 'number', step: 'any', value: '64' }),
        field('json', 'Other fields (Marathon app JSON, merged; the fields above win)', { rows: 5, value: '{}', spellcheck: 'false' }, 'wide')),
      h('button', { type: 'submit', class: 'primary', text: 'Deploy' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      let app;
      try {
        app = JSON.parse(form.elements.json.value || '{}');
        if (typeof app !== 'object' || Array.isArray(app) || app === null) throw new Error('must be a JSON object');
      } catch (x) {
        showFieldErrors(form, { json: { field: 'json', reason: 'not valid JSON: ' + x.message } });
        return;
      }
      for (const name of ['id', 'cmd']) if (form.elements[name].value.trim()) app[name] = form.elements[name].value.trim();
      for (const name of ['instances', 'cpus', 'mem']) {
        const raw = form.elements[name].value;
        if (raw !== '') app[name] = Number(raw);
      }
      try {
        const r = await api('POST', '/v2/apps', app);
        if (r.ok) {
          clearErrors(form);
          toast(`deployed ${r.json.id}`);
          scheduleRefresh(100);
        } else {
          showFieldErrors(form, r);
        }
      } catch (x) {
        if (!(x instanceof SignedOut)) toast('deploy: ' + x.message);
      }
    });
    return form;
  }

  const armed = {};
  PAGES.apps = () => view('Apps', S.admin ? deployForm() : null, () => {
    const apps = S.data.apps?.apps || [];
    const instances = S.data.appTasks?.tasks || [];
    if (!apps.length) return h('p', { class: 'muted', text: 'No apps.' });
    return h('div', { class: 'grid apps' }, apps.map((app) => {
      const mine = instances.filter((t) => t.appId === app.id);
      const path = '/v2/apps' + app.id;
      return h('div', { class: 'card app', 'data-app': app.id },
        h('h3', { text: app.id }),
        kv([
          ['instances', h('span', { class: 'running', text: `${app.tasksRunning} running of ${app.instances}` })],
          ['healthy', h('span', { class: 'healthy ' + (app.tasksUnhealthy ? 'bad' : 'ok'), text: `${app.tasksHealthy} healthy, ${app.tasksUnhealthy} unhealthy` })],
          ['staged', String(app.tasksStaged)], ['version', when(app.version)],
          ['command', h('code', { text: app.cmd || (app.args || []).join(' ') })],
          S.data.waiting?.[app.id] && ['waiting', h('span', { class: 'waiting warn', text: S.data.waiting[app.id] })],
        ]),
        S.admin ? h('div', { class: 'actions' },
          h('label', { for: 'scale-' + app.id, class: 'sr', text: 'Instances' }),
          h('input', { id: 'scale-' + app.id, type: 'number', min: 0, step: 1, value: String(app.instances), 'data-k': 'scale-' + app.id,
            'aria-label': `Instances of ${app.id}`, oninput: dirty }),
          h('button', { type: 'button', 'data-k': 'scale-btn-' + app.id, text: 'Scale', 'aria-label': `Scale ${app.id}`, onclick: () => {
            const input = document.getElementById('scale-' + app.id);
            delete input.dataset.dirty;
            act(`scale ${app.id} to ${input.value}`, 'PUT', path, { instances: Number(input.value) });
          } }),
          h('button', { type: 'button', 'data-k': 'restart-' + app.id, text: 'Restart', 'aria-label': `Restart ${app.id}`, onclick: () => act(`restart ${app.id}`, 'POST', path + '/restart') }),
          h('button', { type: 'button', class: 'danger', 'data-k': 'delete-' + app.id, text: armed[app.id] ? 'Really delete?' : 'Delete',
            'aria-label': armed[app.id] ? `Really delete ${app.id}?` : `Delete ${app.id}`, onclick: () => {
              if (armed[app.id]) { clearTimeout(armed[app.id]); delete armed[app.id]; act(`delete ${app.id}`, 'DELETE', path); return; }
              // Armed in memory, not on the button: a refresh that rebuilds the card keeps the question for 10 s.
              armed[app.id] = setTimeout(() => { delete armed[app.id]; render(true); }, 10000);
              render(true);
            } })) : null,
        h('h4', { text: `Instances (${mine.length})` }),
        table(['Task', 'State', '~Host', 'Health', ...(S.admin ? [''] : [])], mine.map((t) => h('tr', { 'data-task': t.id },
          td(taskLink(t.id)), td(badge(t.state)), td(t.host || '—', 'hide-sm'),
          td(healthOf(t)),
          S.admin ? td(h('button', { type: 'button', class: 'danger', 'data-k': 'kill-' + t.id, text: 'Kill', 'aria-label': `Kill ${t.id}`,
            onclick: () => act(`kill ${t.id}`, 'POST', `/v1/tasks/${encodeURIComponent(t.id)}/kill`) })) : null)), `Instances of ${app.id}`));
    }));
  });
  function healthOf(t) {
    const results = t.healthCheckResults || [];
    if (!results.length) return h('span', { class: 'muted', text: 'no checks' });
    const alive = results.every((x) => x.alive);
    return h('span', { class: 'badge ' + (alive ? 'ok' : 'bad'), text: alive ? 'healthy' : 'unhealthy' });
  }

  PAGES.tasks = () => {
    const filters = { state: '', app: '', agent: '' };
    const selects = {};
    const bar = h('div', { class: 'filters', role: 'search' }, ['state', 'app', 'agent'].map((k) => {
      selects[k] = h('select', { id: 'filter-' + k, onchange: (e) => { filters[k] = e.target.value; render(true); } });
      return h('div', {}, h('label', { for: 'filter-' + k, text: `Filter by ${k}` }), selects[k]);
    }));
    const fill = (select, values, labelOf) => {
      const current = select.value;
      select.replaceChildren(h('option', { value: '', text: 'all' }), ...values.map((v) => h('option', { value: v, text: labelOf ? labelOf(v) : v })));
      select.value = values.includes(current) ? current : '';
    };
    return view('Tasks', bar, () => {
      const all = tasks();
      fill(selects.state, [...new Set(all.map((t) => t.state))].sort(), short);
      fill(selects.app, (S.data.apps?.apps || []).map((a) => a.id));
      fill(selects.agent, (S.data.agents?.agents || []).map((a) => a.id), agentName);
      const shown = all.filter((t) => (!filters.state || t.state === filters.state)
        && (!filters.app || appOf(t.id) === filters.app || '/' + t.name === filters.app)
        && (!filters.agent || t.agent_id === filters.agent))
        .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at))).slice(0, 500);
      return table(['Task', 'State', 'Agent', '~Resources', '~Exit', 'Updated'], shown.map((t) => h('tr', { 'data-task': t.id },
        td(taskLink(t.id)), td(badge(t.state)), td(agentName(t.agent_id)), td(`${num(t.cpus)} cpu, ${t.mem} MiB`, 'hide-sm'),
        td(t.exit_code ?? (t.signal ? 'signal ' + t.signal : '—'), 'hide-sm'), td(when(t.updated_at)))), 'Tasks');
    });
  };

  PAGES.task = (id) => {
    const pre = h('pre', { class: 'log', id: 'log', tabindex: '0', 'aria-label': 'Log output', 'aria-live': 'off' });
    const note = h('p', { class: 'muted', id: 'log-note' });
    const streamSel = h('select', { id: 'log-stream' }, h('option', { value: 'stdout', text: 'stdout' }), h('option', { value: 'stderr', text: 'stderr' }));
    let abort = null;
    async function follow() {
      if (abort) abort.abort();
      const mine = new AbortController();
      abort = mine;
      pre.textContent = '';
      note.textContent = 'following…';
      try {
        const r = await fetch(`/v1/tasks/${encodeURIComponent(id)}/logs/${streamSel.value}?follow=true`,
          { headers: { Authorization: 'Bearer ' + S.token }, signal: mine.signal });
        if (r.status === 401) { signOut(REFUSED); return; }
        if (!r.ok) { note.textContent = `no log: ${(await r.text()).slice(0, 300)}`; return; }
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          pre.textContent = (pre.textContent + decoder.decode(value, { stream: true })).slice(-200000);
          if (stick) pre.scrollTop = pre.scrollHeight;
        }
        note.textContent = 'end of log: the task has ended';
      } catch {
        if (!mine.signal.aborted) note.textContent = 'the log stream broke off; press Follow to resume';
      }
    }
    streamSel.addEventListener('change', follow);
    const head = h('p', {}, link('#/tasks', '← all tasks'));
    const logPart = h('div', {},
      h('h2', { text: 'Log' }),
      h('div', { class: 'row' }, h('div', {}, h('label', { for: 'log-stream', text: 'Stream' }), streamSel),
        h('button', { type: 'button', text: 'Follow', onclick: follow })),
      note, pre);
    const v = view('Task ' + id, head, () => {
      const t = tasks().find((x) => x.id === id);
      if (!t) return h('p', { class: 'muted', text: 'No such task (or it was dropped from the kept history).' });
      return h('div', { class: 'card' }, kv([
        ['state', badge(t.state)], ['name', t.name], ['agent', agentName(t.agent_id)], ['app', appOf(t.id) || '—'],
        ['command', h('code', { text: (t.args || []).join(' ') })], ['resources', `${num(t.cpus)} cpu, ${t.mem} MiB`],
        ['exit code', t.exit_code ?? '—'], t.signal && ['signal', String(t.signal)], t.message && ['message', t.message],
        t.waiting_reason && ['waiting', h('span', { class: 'warn', text: t.waiting_reason })],
        ['submitted', when(t.submitted_at)], ['updated', when(t.updated_at)],
        ...Object.entries(t.env || {}).map(([k, val]) => ['env ' + k, val]),
      ]), S.admin && LIVE.includes(t.state) ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', 'data-k': 'kill', text: 'Kill task',
        onclick: () => act(`kill ${id}`, 'POST', `/v1/tasks/${encodeURIComponent(id)}/kill`) })) : null);
    }, () => { if (abort) abort.abort(); }, logPart);
    setTimeout(follow, 0);
    return v;
  };

  PAGES.jobs = () => view('Jobs', null, () => {
    const jobs = S.data.jobs?.jobs || [];
    return table(['Job', 'Schedule', 'Status', 'Next run', '~Reason', ...(S.admin ? [''] : [])], jobs.map((j) => h('tr', { 'data-job': j.id },
      td(link('#/job/' + encodeURIComponent(j.id), j.id)), td(j.schedule || 'one-shot'), td(badge(j.status)), td(when(j.nextRunAt)), td(j.reason || '', 'hide-sm'),
      S.admin ? td(h('button', { type: 'button', 'data-k': 'run-' + j.id, text: 'Run now', 'aria-label': `Run ${j.id} now`,
        onclick: () => act(`run ${j.id}`, 'POST', `/v1/jobs/${encodeURIComponent(j.id)}/run`) })) : null)), 'Jobs');
  });

  PAGES.job = (id) => {
    const detail = { json: null };
    const v = view('Job ' + id, h('p', {}, link('#/jobs', '← all jobs')), () => {
      const listed = (S.data.jobs?.jobs || []).find((j) => j.id === id);
      if (listed && JSON.stringify(listed) !== detail.listed) {
        detail.listed = JSON.stringify(listed);
        api('GET', '/v1/jobs/' + encodeURIComponent(id)).then((r) => { if (r.ok) { detail.json = r.json; render(true); } }).catch(() => {});
      }
      const j = detail.json || listed;
      if (!j) return h('p', { class: 'muted', text: 'No such job.' });
      const rows = [];
      for (const run of [...(j.runs || [])].reverse()) {
        for (const at of run.attempts || []) {
          rows.push(h('tr', {}, td(run.id), td(badge(run.state)), td(String(at.attempt)), td(at.taskId ? taskLink(at.taskId) : '—'),
            td(badge(at.state)), td(at.exitCode ?? '—'), td(when(at.startedAt), 'hide-sm'), td(when(at.finishedAt || at.retryAt), 'hide-sm')));
        }
      }
      return [h('div', { class: 'card' }, kv([['schedule', j.schedule || 'one-shot'], ['status', badge(j.status)], ['next run', when(j.nextRunAt)],
        ['reason', j.reason || '—'], ['command', h('code', { text: j.cmd || (j.args || []).join(' ') })], ['created', when(j.createdAt)]])),
      h('h2', { text: 'History' }),
      table(['Run', 'Run state', 'Attempt', 'Task', 'State', 'Exit code', '~Started', '~Finished'], rows, 'Runs')];
    });
    return v;
  };

  const roleErrors = {};
  PAGES.frameworks = () => view('Frameworks and roles', null, () => {
    const fws = S.data.frameworks?.frameworks || [];
    const roles = S.data.roles?.roles || [];
    const max = Math.max(0.0001, ...roles.map((r) => Math.max(r.share, r.weighted_share)));
    return [
      table(['Framework', 'Kind', 'Role', 'Connected', 'Tasks', '~CPUs', '~Mem'], fws.map((f) => h('tr', {},
        td(h('span', {}, f.name, h('br'), h('small', { class: 'mono muted', text: f.id }))), td(f.kind), td(f.role),
        td(f.connected ? 'yes' : h('span', { class: 'warn', text: 'no' })), td(String((f.tasks || []).length)), td(num(f.cpus), 'hide-sm'), td(`${f.mem} MiB`, 'hide-sm'))), 'Frameworks'),
      h('h2', { text: 'Roles: dominant resource shares (DRF)' }),
      h('p', { class: 'muted', text: 'Offers go to the role with the lowest weighted share first.' }),
      h('div', { class: 'chart grid' }, roles.map((r) => {
        const form = h('form', { class: 'row', novalidate: true, 'aria-label': `Weight of role ${r.name}` },
          h('div', {}, h('label', { for: 'weight-' + r.name, text: 'Weight' }),
            h('input', { id: 'weight-' + r.name, name: 'weight', type: 'number', step: 'any', min: 0, value: String(r.weight), 'data-k': 'weight-' + r.name,
              'aria-describedby': 'err-weight-' + r.name, oninput: dirty, disabled: !S.admin })),
          S.admin ? h('button', { type: 'submit', 'data-k': 'weight-btn-' + r.name, text: 'Set weight', 'aria-label': `Set weight of ${r.name}` }) : null,
          h('p', { class: 'err', id: 'err-weight-' + r.name, role: 'alert', text: roleErrors[r.name] || '' }));
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const input = form.elements.weight;
          delete input.dataset.dirty;
          const r2 = await act(`weight of ${r.name}`, 'PUT', '/v1/roles/' + encodeURIComponent(r.name), `{"weight":${input.value || 'null'}}`);
          if (r2) {
            roleErrors[r.name] = r2.ok ? '' : `${r2.json?.field || 'weight'}: ${r2.json?.reason || errorText(r2)}`;
            render(true);
          }
        });
        return h('div', { class: 'card role' }, h('h3', { text: `role ${r.name}` }),
          bar('dominant share', r.share, max, '', `${num(r.share * 100, 1)} %`),
          bar('weighted share (share / weight)', r.weighted_share, max, '', `${num(r.weighted_share * 100, 1)} %`),
          h('p', { class: 'muted', text: `frameworks: ${(r.frameworks || []).join(', ') || 'none'}` }), form);
      })),
    ];
  });

  PAGES.events = () => view('Events', h('p', { class: 'muted', text: 'Live from /v1/events, newest first.' }), () =>
    h('ul', { class: 'feed', 'aria-label': 'Events' }, [...S.events].reverse().slice(0, 200).map((e) => h('li', {},
      h('time', { class: 'muted', text: when(e.at_ms) }), ' ', h('strong', { text: e.kind }), ' ', h('span', { class: 'mono', text: e.id }), ' ',
      e.state ? badge(e.state) : null, e.exit_code !== undefined && e.exit_code !== null ? ` exit ${e.exit_code}` : null,
      e.message ? h('span', { class: 'muted', text: ' ' + e.message }) : null))));

  start();
})();
