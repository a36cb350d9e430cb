// The AgentOS dashboard. Everything it shows comes from the kernel's HTTP API (polled once a second) and its event
// stream; every action is an ordinary API call made with the viewer's session, which the server checks and audits.
'use strict';
(() => {
  const { esc, fmt } = Charts;
  const $ = (id) => document.getElementById(id);
  const state = {
    session: null, status: null, agents: [], queues: [], approvals: [], backends: [], view: 'agents',
    history: {}, syscalls: new Map(), events: 0, lastEngine: {}, browse: { agent: '', entries: [] },
  };
  const HISTORY = 120, TIMELINE_MS = 30000;

  // ---- the API: same-origin fetches with the session cookie; actions echo the CSRF token ----
  async function api(method, path, body) {
    const headers = { 'X-AgentOS-CSRF': state.session ? state.session.csrf : '' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) { location.replace('/'); throw new Error('logged out'); }
    if (!response.ok) {
      const error = await response.json().catch(() => null);
      throw new Error(error && error.error ? error.error.message : `${method} ${path}: ${response.status}`);
    }
    return response.status === 204 ? null : response.json();
  }

  function say(text, isError) {
    const m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
  }

  // Re-rendering keeps the keyboard focus: the focused control is found again by its data-focus key.
  function render(container, html) {
    if (container.dataset.html === html) return;
    container.dataset.html = html;
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.focus : null;
    container.innerHTML = html;
    if (key) {
      const again = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  const cell = (label, content) => `<td data-label="${esc(label)}">${content}</td>`;
  const meter = (used, limit) => {
    if (limit == null) return `${used}`;
    const pct = limit > 0 ? Math.min(100, used / limit * 100) : 0;
    return `${used} / ${limit}<span class="meter${pct > 80 ? ' high' : ''}"><span class="w${Math.round(pct / 5) * 5}"></span></span>`;
  };
  const bytes = (n) => n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
  const ago = (iso) => { const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000); return s < 60 ? `${s.toFixed(0)} s ago` : `${(s / 60).toFixed(0)} min ago`; };

  // ---- views ----
  function renderAgents() {
    const rows = state.agents.map((a) => {
      const st = a.paused ? 'paused' : a.running > 0 ? 'running' : 'idle';
      const cur = a.current ? `#${a.current.id} ${esc(a.current.kind)} ${esc(a.current.state)}${a.current.target ? ' · ' + esc(a.current.target) : ''}` : '—';
      const u = a.usage || {};
      return `<tr data-agent="${esc(a.name)}">` + cell('Agent', `<strong>${esc(a.name)}</strong><br><small>${esc(a.description || '')}</small>`) +
        cell('State', `<span class="state-${st}" data-state="${st}">${st}${a.running > 1 ? ` (${a.running})` : ''}</span>`) +
        cell('Current syscall', cur) +
        cell('Calls', meter(u.calls_used ?? 0, u.calls_limit)) + cell('Tokens', meter(u.tokens_used ?? 0, u.tokens_limit)) +
        cell('Runs', `<span class="completed">${a.completed}</span> done, ${a.failed} failed`) +
        cell('Last error', a.last_error ? `<span class="error">${esc(a.last_error.message)}</span> <small>${ago(a.last_error.at)}</small>` : '—') +
        cell('Action', `<button type="button" class="danger" data-action="stop" data-agent="${esc(a.name)}" data-focus="stop-${esc(a.name)}" ${a.running > 0 ? '' : 'disabled'}>Stop</button>`) + '</tr>';
    });
    render($('agents-table').tBodies[0], rows.join('') || '<tr><td>No agents are registered.</td></tr>');
    fillSelect($('start-agent'), state.agents.map((a) => a.name));
    fillSelect($('browse-agent'), state.agents.map((a) => a.name));
  }

  function fillSelect(select, names) {
    const key = names.join('\n');
    if (select.dataset.names === key) return;
    const keep = select.value;
    select.dataset.names = key;
    select.innerHTML = names.map((n) => `<option>${esc(n)}</option>`).join('');
    if (names.includes(keep)) select.value = keep;
  }

  function renderQueues() {
    const admin = state.session && state.session.admin;
    const html = state.queues.map((q) => {
      const h = state.history[q.name] || { wait: { p50: [], p90: [], p99: [] }, service: { p50: [], p90: [], p99: [] } };
      const options = q.policies.map((p) => `<option value="${esc(p)}"${p === q.policy ? ' selected' : ''}>${esc(p)}</option>`).join('');
      return `<article class="card" data-queue="${esc(q.name)}"><h3>${esc(q.name)}</h3><dl>` +
        `<dt>Policy</dt><dd class="policy">${esc(q.policy)}</dd>` +
        `<dt>Waiting</dt><dd class="waiting">${q.waiting}</dd><dt>Running</dt><dd class="running">${q.running}</dd>` +
        `<dt>Completed</dt><dd class="completed">${q.completed}</dd><dt>Preemptions</dt><dd>${q.preemptions}</dd>` +
        `<dt>Deadline misses</dt><dd class="misses">${q.deadlines_missed} (met ${q.deadlines_met}, expired ${q.expired})</dd>` +
        `<dt>Wait ms</dt><dd>p50 ${fmt(q.wait.p50)} · p90 ${fmt(q.wait.p90)} · p99 ${fmt(q.wait.p99)} (${q.wait.count})</dd>` +
        `<dt>Service ms</dt><dd>p50 ${fmt(q.service.p50)} · p90 ${fmt(q.service.p90)} · p99 ${fmt(q.service.p99)} (${q.service.count})</dd></dl>` +
        `<p class="legend"><span class="p50">p50</span><span class="p90">p90</span><span class="p99">p99</span> wait</p>${Charts.percentiles(h.wait, q.name + ' wait percentiles')}` +
        `<p class="legend"><span class="p50">p50</span><span class="p90">p90</span><span class="p99">p99</span> service</p>${Charts.percentiles(h.service, q.name + ' service percentiles')}` +
        `<form class="row policy-form" data-queue="${esc(q.name)}"><label for="policy-${esc(q.name)}">Policy</label>` +
        `<select id="policy-${esc(q.name)}" data-focus="policy-${esc(q.name)}">${options}</select>` +
        `<button type="submit" data-focus="apply-${esc(q.name)}"${admin ? '' : ' disabled title="needs the admin grant"'}>Apply</button></form></article>`;
    }).join('');
    // The policy pickers are the viewer's own input: while one has focus, the cards wait.
    const focused = document.activeElement;
    if (focused && focused.tagName === 'SELECT' && $('queues').contains(focused)) return;
    render($('queues'), html);
  }

  function renderTimeline() {
    const now = Date.now();
    const lanes = new Map();
    for (const s of state.syscalls.values()) {
      if (!lanes.has(s.agent)) lanes.set(s.agent, []);
      const bars = lanes.get(s.agent);
      const end = s.end ?? now;
      const firstRun = s.runs.length ? s.runs[0] : end;
      const title = `#${s.id} ${s.kind}${s.target ? ' ' + s.target : ''}`;
      bars.push({ from: s.submitted, to: firstRun, state: 'waiting', title: title + ' waiting' });
      for (let i = 0; i < s.runs.length; i++) {
        const to = i + 1 < s.runs.length ? s.runs[i + 1] : end;
        bars.push({ from: s.runs[i], to, state: i + 1 < s.runs.length ? 'preempted' : s.failed ? 'failed' : 'running', title: title + (i + 1 < s.runs.length ? ' preempted' : ' running') });
      }
      if (!s.runs.length && s.failed) bars.push({ from: s.submitted, to: end, state: 'failed', title: title + ' failed' });
    }
    const sorted = [...lanes.entries()].sort((a, b) => a[0].localeCompare(b[0])).slice(0, 40).map(([name, bars]) => ({ name, bars }));
    $('timeline').innerHTML = sorted.length ? Charts.gantt(sorted, now, TIMELINE_MS) : '<p class="note">No syscalls in the last 30 s.</p>';
  }

  function renderApprovals() {
    const may = state.session && state.session.approve;
    const html = state.approvals.map((a) => `<li data-approval="${a.id}"><div class="grow"><strong>#${a.id} ${esc(a.agent)}</strong> wants to ` +
      `<strong>${esc(a.operation.toLowerCase())}</strong> ${esc(a.resource.toLowerCase())} <code>${esc(a.target || '')}</code><br><small>${esc(a.description)} · ${ago(a.requested_at)}</small></div>` +
      `<button type="button" data-action="approve" data-id="${a.id}" data-focus="approve-${a.id}"${may ? '' : ' disabled'}>Approve</button>` +
      `<button type="button" class="danger" data-action="deny" data-id="${a.id}" data-focus="deny-${a.id}"${may ? '' : ' disabled'}>Deny</button></li>`).join('');
    render($('approvals'), html || '<li>Nothing is waiting for approval.</li>');
    const badge = $('approval-count');
    badge.textContent = String(state.approvals.length);
    badge.className = state.approvals.length ? 'badge' : 'badge zero';
  }

  function renderBackends() {
    if (state.session && !state.session.monitor) { render($('backends'), '<p class="note">Seeing the backends needs the monitor grant.</p>'); return; }
    const now = Date.now();
    const html = state.backends.map((b) => {
      let rate = '—';
      if (b.engine) {
        const last = state.lastEngine[b.name];
        if (last && now > last.at) rate = `${((b.engine.decode_tokens - last.decode) / ((now - last.at) / 1000)).toFixed(1)}`;
        if (!last || now - last.at >= 1000) state.lastEngine[b.name] = { at: now, decode: b.engine.decode_tokens, rate };
        else rate = last.rate ?? rate;
      } else if (b.rate_limit.tokens) rate = `${(b.rate_limit.tokens / 60).toFixed(1)} (minute average)`;
      const rl = b.rate_limit;
      return `<article class="card" data-backend="${esc(b.name)}"><h3>${esc(b.name)}</h3><dl>` +
        `<dt>Slots</dt><dd>${b.slots}</dd>` +
        `<dt>Routing</dt><dd class="${b.down ? 'state-down' : ''}">${b.down ? 'down: ' + esc(b.down_reason || '') : 'up'}</dd>` +
        `<dt>Circuit breaker</dt><dd>${b.circuit_open ? '<span class="state-down">open</span>' : 'closed'}</dd>` +
        `<dt>Requests/min</dt><dd>${meter(rl.requests, rl.requests_per_minute)}</dd>` +
        `<dt>Tokens/min</dt><dd>${meter(rl.tokens, rl.tokens_per_minute)}</dd>` +
        `<dt>Hold</dt><dd>${b.held_until ? 'until ' + esc(new Date(b.held_until).toLocaleTimeString()) : 'none'}</dd>` +
        `<dt>Tokens/s</dt><dd class="tokens-per-second">${rate}</dd>` +
        (b.engine ? `<dt>Engine</dt><dd>prefill ${b.engine.prefill_tokens} · decode ${b.engine.decode_tokens} · steps ${b.engine.steps} · snapshots ${b.engine.snapshots} · restores ${b.engine.restores}</dd>` : '') +
        '</dl></article>';
    }).join('');
    render($('backends'), html);
  }

  function renderMemory() {
    const m = state.status && state.status.memory;
    if (!m) return;
    $('memory-summary').textContent = `Resident ${bytes(m.resident_bytes)} of ${bytes(m.global_limit_bytes)} (high water ${bytes(m.high_water_bytes)}), evicted ${bytes(m.evicted_bytes)}, ${m.items} items, ${m.evictions} evictions, hits ${m.hits} / misses ${m.misses}, retrieval ${m.retrieval}.`;
    const rows = m.agents.map((a) => `<tr>` + cell('Agent', esc(a.agent)) + cell('Items', a.items) +
      cell('Usage / quota', `${bytes(a.live_bytes)} / ${a.quota_bytes ? bytes(a.quota_bytes) : 'none'}<span class="meter${a.quota_bytes && a.live_bytes / a.quota_bytes > .8 ? ' high' : ''}"><span class="w${a.quota_bytes ? Math.min(100, Math.round(a.live_bytes / a.quota_bytes * 20) * 5) : 0}"></span></span>`) +
      cell('Resident', bytes(a.resident_bytes)) + cell('Evicted', bytes(a.evicted_bytes)) + cell('Evictions', a.evictions) + cell('Quota rejections', a.quota_rejections) + '</tr>').join('');
    render($('memory-table').tBodies[0], rows || '<tr><td>No agent holds memory yet.</td></tr>');
  }

  // Each session keeps its own card: the facts re-render every second, while its screenshot <img> and terminal <pre>
  // stay in place (recreating them would reload the image each second) and refresh every few seconds (watchSessions).
  function renderComputer() {
    const c = state.status && state.status.computer;
    const box = $('sessions');
    if (!c) { $('sandbox').textContent = 'This kernel offers no computer-use sessions (computer.enabled in the config).'; box.replaceChildren(); return; }
    $('sandbox').textContent = `Sandbox: ${c.sandbox}${c.isolated ? '' : ' (NOT isolated)'}: ${c.description}`;
    const live = new Set(c.sessions.map((s) => s.id));
    for (const card of [...box.querySelectorAll('article[data-session]')]) if (!live.has(card.dataset.session)) card.remove();
    for (const s of c.sessions) {
      let card = box.querySelector(`article[data-session="${CSS.escape(s.id)}"]`);
      if (!card) {
        card = document.createElement('article');
        card.className = 'card';
        card.dataset.session = s.id;
        card.innerHTML = `<h3>${esc(s.id)}</h3><div class="facts"></div>` +
          `<img class="screenshot" hidden alt="${esc(`The current page of session ${s.id}'s browser`)}">` +
          `<p class="shot">No browser is running in this session.</p>` +
          `<h4>Terminal</h4><pre class="terminal" aria-label="${esc(`Recent terminal output of session ${s.id}`)}"></pre>`;
        box.append(card);
        watchSession(card);
      }
      render(card.querySelector('.facts'), `<dl><dt>Agent</dt><dd>${esc(s.agent)}</dd><dt>Sandbox</dt><dd>${esc(s.sandbox)}</dd><dt>State</dt><dd>${s.busy ? 'running a command' : 'idle ' + s.idle_seconds.toFixed(0) + ' s'}</dd>` +
        `<dt>Commands</dt><dd>${s.commands}</dd><dt>Disk</dt><dd>${meter(s.disk_bytes, s.disk_limit_bytes)}</dd></dl>`);
    }
    let none = box.querySelector('p.none');
    if (c.sessions.length === 0 && !none) { none = document.createElement('p'); none.className = 'note none'; none.textContent = 'No live sessions.'; box.append(none); }
    if (c.sessions.length > 0 && none) none.remove();
  }

  // One session's live views: the browser's page as a PNG (the API answers 404 while the session has no browser;
  // asking never starts one) and the terminal's recent output.
  async function watchSession(card) {
    const id = encodeURIComponent(card.dataset.session);
    const img = card.querySelector('img.screenshot'), empty = card.querySelector('p.shot');
    img.onload = () => { img.hidden = false; empty.hidden = true; };
    img.onerror = () => { img.hidden = true; empty.hidden = false; };
    img.src = `/v1/sessions/${id}/screenshot?at=${Date.now()}`;
    try {
      const t = await api('GET', `/v1/sessions/${id}/terminal`);
      const pre = card.querySelector('pre.terminal');
      const text = (t.dropped_chars > 0 ? `… (${t.dropped_chars} older characters dropped)\n` : '') + (t.output || '(nothing printed yet)');
      if (pre.textContent !== text) { pre.textContent = text; pre.scrollTop = pre.scrollHeight; }
    } catch (e) {
      // The session ended between two polls: the next status refresh removes its card.
    }
  }

  const SCREENSHOT_MS = 3000;
  setInterval(() => {
    if (state.view === 'computer') for (const card of document.querySelectorAll('#sessions article[data-session]')) watchSession(card);
  }, SCREENSHOT_MS);

  function renderReactor() {
    const r = state.status && state.status.reactor;
    const admin = state.session && state.session.admin;
    if (!r) { $('reactor-summary').textContent = 'The Reactor is off (reactor.enabled in the config).'; }
    else {
      $('reactor-summary').textContent = `${r.actions_last_minute} of ${r.actions_per_minute} actions in the last minute; ${r.retries_pending} retries pending; ${r.audit_failures} audit failures.`;
      render($('playbooks').tBodies[0], r.playbooks.map((p) => '<tr>' + cell('Playbook', esc(p.name)) + cell('On', p.enabled ? 'yes' : 'no') + cell('Triggered', p.triggered) +
        cell('Acted', p.acted) + cell('Verified', p.verified) + cell('Undone', p.undone) + cell('Escalated', p.escalated) + '</tr>').join(''));
      render($('reactor-events'), r.recent.slice(-15).reverse().map((e) => `<li><strong>${esc(e.playbook)}</strong> ${esc(e.stage.toLowerCase())} case ${e.case}${e.target ? ' · ' + esc(e.target) : ''}${e.agent ? ' · ' + esc(e.agent) : ''}: ${esc(e.detail)}</li>`).join('') || '<li>No Reactor actions yet.</li>');
    }
    render($('paused'), state.agents.filter((a) => a.paused).map((a) => `<li><span class="grow">Agent <strong>${esc(a.name)}</strong> was paused by the runaway playbook.</span>` +
      `<button type="button" data-action="resume" data-agent="${esc(a.name)}" data-focus="resume-${esc(a.name)}"${admin ? '' : ' disabled'}>Resume (undo)</button></li>`).join(''));
    const ev = state.status && state.status.evolution;
    if (!ev) { $('evolution-summary').textContent = 'The self-improving loop is off (evolution.enabled in the config).'; render($('evolution-changes'), ''); return; }
    $('evolution-summary').textContent = `In force: ${Object.entries(ev.parameters).map(([k, v]) => `${k}=${v}`).join(', ')}; pinned: ${Object.keys(ev.pins).join(', ') || 'none'}; ${ev.watching ? 'watching a change' : 'not watching'}; ${ev.observed} calls observed${ev.last_error ? '; last error: ' + ev.last_error : ''}.`;
    render($('evolution-changes'), ev.history.slice().reverse().map((c) => `<li><span class="grow"><strong>v${c.version} ${esc(c.kind)}</strong> ${esc(c.from.policy)} → ${esc(c.to.policy)}: ${esc(c.reason)}</span>` +
      (c.kind === 'apply' ? `<button type="button" data-action="undo" data-version="${c.version}" data-focus="undo-${c.version}"${admin ? '' : ' disabled'}>Undo</button>` : '') + '</li>').join('') || '<li>No changes yet.</li>');
  }

  const renderers = { agents: renderAgents, queues: renderQueues, timeline: renderTimeline, approvals: renderApprovals, llm: renderBackends, memory: renderMemory, computer: renderComputer, reactor: renderReactor };

  function show(view) {
    state.view = view;
    for (const b of document.querySelectorAll('#tabs button')) {
      if (b.dataset.view === view) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    }
    for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
    renderers[view]();
    if (history.replaceState) history.replaceState(null, '', '#' + view);
  }

  // ---- data: poll the API once a second; the event stream feeds the timeline ----
  async function refresh() {
    try {
      const [status, agents, queues, approvals] = await Promise.all([
        api('GET', '/v1/status'), api('GET', '/v1/agents/activity'), api('GET', '/v1/queues'),
        api('GET', '/v1/approvals').catch(() => []),
      ]);
      state.status = status; state.agents = agents; state.queues = queues; state.approvals = approvals;
      if (state.session.monitor) state.backends = await api('GET', '/v1/llm/backends');
      for (const q of queues) {
        const h = state.history[q.name] ||= { wait: { p50: [], p90: [], p99: [] }, service: { p50: [], p90: [], p99: [] } };
        for (const kind of ['wait', 'service']) for (const p of ['p50', 'p90', 'p99']) {
          h[kind][p].push(q[kind][p]);
          if (h[kind][p].length > HISTORY) h[kind][p].shift();
        }
      }
      $('whoami').textContent = `${state.session.caller}${state.session.admin ? ' (admin)' : ''} · kernel ${status.version} · up ${status.uptime.split('.')[0]}`;
      document.body.dataset.refreshed = String((Number(document.body.dataset.refreshed) || 0) + 1);
      renderApprovals();
      renderers[state.view]();
    } catch (e) {
      if (e.message !== 'logged out') say(e.message, true);
    }
  }

  function listen() {
    const source = new EventSource('/v1/events');
    source.addEventListener('open', () => $('live').classList.add('live'));
    source.addEventListener('error', () => $('live').classList.remove('live'));
    source.addEventListener('agentos.syscall', (message) => {
      const e = JSON.parse(message.data);
      state.events++;
      $('event-count').textContent = String(state.events);
      const now = Date.now();
      let s = state.syscalls.get(e.syscall_id);
      if (!s && e.stage === 'Submitted') {
        s = { id: e.syscall_id, agent: e.agent_id, kind: (e.kind || '').toLowerCase(), target: e.target, submitted: now, runs: [], end: null, failed: false };
        state.syscalls.set(e.syscall_id, s);
      }
      if (!s) return;
      if (e.target) s.target = e.target;
      if (e.stage === 'Dispatched' || e.stage === 'Retrying') s.runs.push(now);
      if (e.stage === 'Completed' || e.stage === 'Failed') { s.end = now; s.failed = e.stage === 'Failed'; }
    });
    // Keep the last 30 s (and at most 5000 syscalls).
    setInterval(() => {
      const cut = Date.now() - TIMELINE_MS;
      for (const [id, s] of state.syscalls) if ((s.end !== null && s.end < cut) || state.syscalls.size > 5000) state.syscalls.delete(id);
      if (state.view === 'timeline') renderTimeline();
    }, 500);
  }

  // ---- actions: each an API call as the viewer; the answer (or the refusal) is shown ----
  async function act(label, call) {
    try {
      say(`${label}…`);
      const result = await call();
      say(`${label}: done.`);
      await refresh();
      return result;
    } catch (e) {
      say(`${label}: ${e.message}`, true);
      return null;
    }
  }

  document.addEventListener('click', (event) => {
    const tab = event.target.closest('#tabs button');
    if (tab) { show(tab.dataset.view); return; }
    const b = event.target.closest('button[data-action]');
    if (!b) return;
    const a = b.dataset;
    switch (a.action) {
      case 'stop': act(`Stopping ${a.agent}`, () => api('POST', `/v1/agents/${encodeURIComponent(a.agent)}/stop`)); break;
      case 'approve': act(`Approving #${a.id}`, () => api('POST', `/v1/approvals/${a.id}`, { approve: true })); break;
      case 'deny': act(`Denying #${a.id}`, () => api('POST', `/v1/approvals/${a.id}`, { approve: false, reason: 'denied from the dashboard' })); break;
      case 'resume': act(`Resuming ${a.agent}`, () => api('POST', `/v1/reactor/paused/${encodeURIComponent(a.agent)}/resume`)); break;
      case 'undo': act(`Undoing change ${a.version}`, () => api('POST', `/v1/evolution/changes/${a.version}/undo`)); break;
      case 'versions': showVersions(a.path); break;
      case 'view': viewVersion(a.path, Number(a.version)); break;
      case 'rollback': act(`Rolling back ${a.path} to version ${a.version} (an irreversible change waits for approval)`,
        () => storage('Rollback', a.path, { version: Number(a.version) })).then(() => showVersions(a.path)); break;
    }
  });

  document.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    if (form.id === 'start-form') {
      const agent = $('start-agent').value, input = $('start-input').value;
      const out = $('run-output');
      say(`Started ${agent}.`);
      api('POST', `/v1/agents/${encodeURIComponent(agent)}/run`, { input })
        .then((r) => { out.hidden = false; out.textContent = `${agent}: ${r.output}`; })
        .catch((e) => { out.hidden = false; out.textContent = `${agent} failed: ${e.message}`; })
        .finally(refresh);
      setTimeout(refresh, 200);
    } else if (form.classList.contains('policy-form')) {
      const queue = form.dataset.queue, policy = form.querySelector('select').value;
      form.querySelector('select').blur();
      act(`Setting the ${queue} queue's policy to ${policy}`, () => api('PUT', `/v1/queues/${encodeURIComponent(queue)}/policy`, { policy }));
    } else if (form.id === 'browse-form') {
      browse();
    }
  });

  // ---- storage browsing: storage syscalls acting for the chosen agent (the viewer needs act_for it) ----
  const storage = (operation, path, extra) => api('POST', '/v1/syscalls', { agent_id: $('browse-agent').value, storage: { operation, path, ...extra } });

  async function browse() {
    const agent = $('browse-agent').value;
    let path = $('browse-path').value.trim();
    if (!path) { path = `agents/${agent}/`; $('browse-path').value = path; }
    const r = await act(`Listing ${path}`, () => storage('List', path));
    if (!r) return;
    const entries = r.storage.entries;
    render($('storage-keys'), entries.map((e) => `<li><code class="grow">${esc(e.path)}</code><small>v${e.version} · ${bytes(e.size)} · ${ago(e.written)}</small>` +
      `<button type="button" class="secondary" data-action="versions" data-path="${esc(e.path)}" data-focus="versions-${esc(e.path)}">Versions</button></li>`).join('') || '<li>No keys under this folder.</li>');
  }

  async function showVersions(path) {
    const r = await act(`Versions of ${path}`, () => storage('Versions', path));
    if (!r) return;
    const list = r.storage.entries.slice().sort((a, b) => b.version - a.version);
    const latest = list.length ? list[0].version : 0;
    render($('storage-versions'), `<h3>${esc(path)}</h3><ul class="list">` + list.map((e) => `<li><span class="grow">version ${e.version} · ${bytes(e.size)} · ${ago(e.written)}</span>` +
      `<button type="button" class="secondary" data-action="view" data-path="${esc(path)}" data-version="${e.version}" data-focus="view-${e.version}">View</button>` +
      (e.version !== latest ? `<button type="button" class="danger" data-action="rollback" data-path="${esc(path)}" data-version="${e.version}" data-focus="rollback-${e.version}">Roll back to this</button>` : '') + '</li>').join('') + '</ul>');
  }

  async function viewVersion(path, version) {
    const r = await act(`Reading ${path} v${version}`, () => storage('Read', path, { version }));
    if (!r) return;
    const out = $('storage-content');
    out.hidden = false;
    let text;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(r.storage.data || ''), (c) => c.charCodeAt(0))); }
    catch { text = `(${(r.storage.data || '').length * 3 / 4} bytes of binary data)`; }
    out.textContent = `${path} v${version}:\n${text}`;
  }

  $('logout').addEventListener('click', async () => {
    await api('POST', '/dashboard/logout').catch(() => null);
    location.replace('/');
  });

  // ---- start ----
  (async () => {
    state.session = await api('GET', '/dashboard/session');
    const first = (location.hash || '#agents').slice(1);
    show(renderers[first] ? first : 'agents');
    await refresh();
    listen();
    setInterval(refresh, 1000);
    document.body.dataset.ready = 'true';
  })();
})();
