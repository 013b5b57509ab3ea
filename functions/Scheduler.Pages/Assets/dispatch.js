// The dispatcher's page. Reads its configuration (centre, items, staff names and every text, from the server's
// Words catalogue) from #dispatch[data-config] and calls the API with the function key the page was opened with.
(() => {
  const root = document.getElementById('dispatch');
  if (!root) return;
  const CONFIG = JSON.parse(root.dataset.config);
  const T = (key, ...args) => (CONFIG.texts[key] ?? key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
  const code = new URLSearchParams(location.search).get('code') || '';
  // Every call names the page's centre, so a dispatcher of several centres acts at the one the page shows.
  const api = (path, init = {}) => fetch(path + (path.includes('?') ? '&' : '?') + 'centre=' + encodeURIComponent(CONFIG.centreId),
    { ...init, headers: { 'x-functions-key': code, 'content-type': 'application/json', ...(init.headers || {}) } });
  const el = (tag, props = {}, ...children) => { const e = document.createElement(tag); Object.assign(e, props); e.append(...children); return e; };
  const $ = (id) => document.getElementById(id);
  const colours = ['#0b3d91', '#a4000f', '#0a6b2d', '#8a4b00', '#5b2a86', '#00646e', '#b3004b', '#3d3d3d', '#005fa3', '#6b6b00'];
  const dashes = [null, '8 6', '2 6', '12 4 2 4'];
  // The server pages the requests (oldest first): `tokens[i]` is the continuation token of page i (none for the first).
  const pageSize = 50;
  let requests = [];
  let page = 0;
  let tokens = [null];
  let hasNext = false;
  let runId = null;

  const map = L.map('map', { attributionControl: true }).setView([CONFIG.centre.lat, CONFIG.centre.lng], 13);
  if (CONFIG.tiles) L.tileLayer(CONFIG.tiles, { maxZoom: 18 }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  L.circleMarker([CONFIG.centre.lat, CONFIG.centre.lng], { radius: 9, color: '#000' }).bindTooltip(T('centre')).addTo(map);

  const hhmm = (s) => (s || '').slice(0, 5);
  const minutes = (s) => { const [h, m] = s.split(':').map(Number); return h * 60 + m; };
  const durationMinutes = (d) => {
    if (typeof d !== 'string') return 0;
    const parts = d.split(':').map(Number);
    const [days, h, m] = parts.length === 4 ? parts : [0, ...parts];
    return Math.round(days * 1440 + h * 60 + m);
  };
  const staffName = (id) => CONFIG.staff[id] || id;
  const assessment = (r) => {
    const basis = r.idGiven && r.age != null ? T('ageById', r.age) : T('declared');
    return T(r.reason) + ' · ' + basis + (r.assessment && !r.assessment.eligible ? ' · ' + T('notEligible') : '');
  };
  // A refusal from the API in the reader's words, by its problem code (never the API's English on a Chinese page): the
  // code's own text when there is one, else a plain text for its HTTP status.
  async function problemText(res) {
    let body = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    const words = body.code ? CONFIG.texts['problem.' + body.code] : null;
    if (words) return body.code === 'roster-infeasible' && body.detail && CONFIG.lang === 'en' ? words + body.detail : words;
    const byStatus = CONFIG.texts['status.' + res.status] || T('status.other');
    return T('error') + byStatus + ' (' + res.status + ')';
  }
  const showError = async (res) => { $('progress').textContent = await problemText(res); };

  // Requests: one page from the server, filtered there by visit day, status and urgency (so a filter finds requests on
  // every page, not only on the one shown); the table scrolls inside its own region.
  function filterQuery() {
    const parts = { date: $('filter-day').value, status: $('filter-status').value, urgency: $('filter-urgency').value };
    return Object.entries(parts).filter(([, v]) => v).map(([k, v]) => '&' + k + '=' + encodeURIComponent(v)).join('');
  }

  // The continuation token of the next page, from the answer's Link header; null after the last page.
  function nextToken(res) {
    const next = /[?&]continuationToken=([^&>]+)/.exec(res.headers.get('link') || '');
    return next ? decodeURIComponent(next[1]) : null;
  }

  async function loadRequests() {
    const token = tokens[page];
    const res = await api('/api/dispatch/home-visits?pageSize=' + pageSize + (token ? '&continuationToken=' + encodeURIComponent(token) : '') + filterQuery());
    if (!res.ok) { await showError(res); return; }
    requests = await res.json();
    const next = nextToken(res);
    hasNext = next !== null;
    if (next) tokens[page + 1] = next;
    renderRequests();
  }

  function renderRequests() {
    const list = requests;
    const box = $('requests');
    const pager = el('div', { className: 'pager' });
    const previous = el('button', { type: 'button', textContent: T('previous'), disabled: page === 0 });
    previous.addEventListener('click', () => { page--; loadRequests(); });
    const next = el('button', { type: 'button', textContent: T('next'), disabled: !hasNext });
    next.addEventListener('click', () => { page++; loadRequests(); });
    pager.append(previous, el('span', { textContent: T('page', page + 1, list.length) }), next);
    if (!list.length) { box.replaceChildren(el('p', { textContent: T('noRequests') }), pager); return; }
    const table = el('table');
    table.append(el('caption', { textContent: T('oldestFirst') }));
    const head = el('tr');
    ['resident', 'service', 'reason', 'windows', 'urgency', 'status', 'decide'].forEach(h => head.append(el('th', { scope: 'col', textContent: T(h) })));
    table.append(el('thead', {}, head));
    const rows = el('tbody');
    for (const r of list) {
      const tr = el('tr');
      // Who, and where: the address, marked when the home's place is still to be set (asked for by address alone).
      const who = el('td', { textContent: r.residentName + ' ' + r.mobileMasked });
      who.append(el('br'), el('span', { textContent: r.address }));
      if (r.locationPending) who.append(' ', el('strong', { className: 'pending', textContent: T('locationPending') }));
      tr.append(who);
      tr.append(el('td', { textContent: CONFIG.items[r.itemId] || r.itemId }));
      tr.append(el('td', { textContent: assessment(r) }));
      tr.append(el('td', { textContent: r.windows.map(w => w.date + ' ' + hhmm(w.from) + '–' + hhmm(w.to)).join(', ') }));
      tr.append(el('td', { textContent: T(r.urgency) }));
      tr.append(el('td', { textContent: T(r.status) + (r.decision && r.decision.reason ? ': ' + r.decision.reason : '') }));
      const actions = el('td');
      if (r.status === 'Submitted' || r.status === 'NeedsInformation') {
        const reason = el('input', { type: 'text', placeholder: T('decisionReason') });
        reason.setAttribute('aria-label', T('decisionReason') + ' ' + r.residentName);
        const decide = (d) => async () => {
          const res = await api('/api/dispatch/home-visits/' + encodeURIComponent(r.id) + '/decision', { method: 'POST', body: JSON.stringify({ decision: d, reason: reason.value || null }) });
          if (!res.ok) await showError(res);
          await loadRequests();
        };
        for (const [key, decision] of [['approve', 'Approve'], ['reject', 'Reject'], ['ask', 'AskForInformation']]) {
          const b = el('button', { type: 'button', textContent: T(key) });
          b.setAttribute('aria-label', T(key) + ' ' + r.residentName);
          b.addEventListener('click', decide(decision));
          actions.append(b);
        }
        actions.prepend(reason);
      }
      if (r.locationPending && r.status !== 'Rejected' && r.status !== 'Cancelled') {
        // The place from the address (a map service, the community's records): two numbers, checked by the server.
        const lat = el('input', { type: 'text', inputMode: 'decimal', size: 9 });
        const lng = el('input', { type: 'text', inputMode: 'decimal', size: 9 });
        lat.setAttribute('aria-label', T('latitude') + ' ' + r.residentName);
        lng.setAttribute('aria-label', T('longitude') + ' ' + r.residentName);
        const set = el('button', { type: 'button', textContent: T('setLocation') });
        set.setAttribute('aria-label', T('setLocation') + ' ' + r.residentName);
        const number = (input) => { const n = Number(input.value.trim()); return input.value.trim() !== '' && Number.isFinite(n) ? n : null; };
        set.addEventListener('click', async () => {
          const res = await api('/api/dispatch/home-visits/' + encodeURIComponent(r.id) + '/location',
            { method: 'PUT', body: JSON.stringify({ latitude: number(lat), longitude: number(lng) }) });
          if (!res.ok) { await showError(res); return; }
          await loadRequests();
        });
        actions.append(el('div', { className: 'set-location' }, lat, lng, set));
      }
      tr.append(actions);
      rows.append(tr);
    }
    table.append(rows);
    const region = el('div', { className: 'table-region', tabIndex: 0 }, table);
    region.setAttribute('role', 'region');
    region.setAttribute('aria-labelledby', 'requests-title');
    box.replaceChildren(region, pager);
  }
  for (const id of ['filter-day', 'filter-status', 'filter-urgency']) $(id).addEventListener('change', () => { page = 0; tokens = [null]; loadRequests(); });

  // The requests with a window on the plan's day, by id, for the plan's names and places: read from the server by
  // that day (a few pages at most), never taken from the list page shown, which may be filtered or another page.
  async function visitsOn(date) {
    const found = {};
    let token = null;
    for (let i = 0; i < 20; i++) {
      const res = await api('/api/dispatch/home-visits?pageSize=200&date=' + encodeURIComponent(date) + (token ? '&continuationToken=' + encodeURIComponent(token) : ''));
      if (!res.ok) break;
      for (const r of await res.json()) found[r.id] = r;
      token = nextToken(res);
      if (!token) break;
    }
    return found;
  }

  // What staff recorded about the day's visits (done, or not done and why), by request id.
  async function outcomesOn(date) {
    const found = {};
    const res = await api('/api/dispatch/visit-outcomes?date=' + encodeURIComponent(date));
    if (res.ok) for (const o of await res.json()) found[o.requestId] = o;
    return found;
  }

  // The plan: numbered routes (numbers on the map, in the list and on the timeline, so colour is never the only cue).
  async function show(run) {
    const [byId, outcomes] = run.plan ? await Promise.all([visitsOn(run.date), outcomesOn(run.date)]) : [{}, {}];
    const plan = run.plan;
    const k = plan ? plan.kpis : null;
    $('kpis').replaceChildren(k ? el('p', { textContent: T('kpis', k.served, k.dropped, durationMinutes(k.totalTravel), durationMinutes(k.totalOvertime)) }) : '');
    layer.clearLayers();
    const timeline = $('timeline'), dropped = $('dropped'), routes = $('route-list');
    timeline.replaceChildren(); dropped.replaceChildren(); routes.replaceChildren();
    if (!plan) return;
    const bounds = [[CONFIG.centre.lat, CONFIG.centre.lng]];
    const starts = plan.routes.map(r => minutes(r.departure || '08:00')), ends = plan.routes.map(r => minutes(r['return'] || '18:00'));
    const day0 = Math.floor(Math.min(8 * 60, ...starts) / 60) * 60, dayEnd = Math.ceil(Math.max(18 * 60, ...ends) / 60) * 60, span = dayEnd - day0;
    const inner = el('div', { className: 'timeline-inner' });
    const axis = el('div', { className: 'axis' });
    for (let m = day0; m <= dayEnd - 60; m += 60) {
      const tick = el('span', { className: 'tick', textContent: (m / 60) + ':00' });
      tick.style.left = ((m - day0) / span * 100) + '%';
      axis.append(tick);
    }
    inner.append(el('div', { className: 'row' }, el('span', { className: 'who' }), axis));
    plan.routes.forEach((route, i) => {
      const number = i + 1, colour = colours[i % colours.length];
      const label = T('route', number) + ' · ' + staffName(route.staffId);
      const points = [[CONFIG.centre.lat, CONFIG.centre.lng]];
      const bar = el('div', { className: 'bar' });
      const stops = el('ol');
      const names = el('ul', { className: 'stops' });
      route.stops.forEach((stop, s) => {
        const r = byId[stop.visitId];
        const name = r ? r.residentName : stop.visitId;
        const tag = number + '-' + (s + 1);
        if (r && r.latitude != null) {
          points.push([r.latitude, r.longitude]); bounds.push([r.latitude, r.longitude]);
          const pin = el('span', { className: 'route-number', textContent: tag });
          pin.style.background = colour;
          L.marker([r.latitude, r.longitude], { icon: L.divIcon({ className: 'route-pin', html: pin, iconSize: [36, 20] }), keyboard: false })
            .bindTooltip(tag + ' ' + name + ' ' + hhmm(stop.start)).addTo(layer);
        }
        // The block holds the stop's number and time; the full name stands in the list under the row (a block as
        // short as a visit has no room for a name) and in the block's tooltip.
        const b = el('div', { className: 'blk', title: tag + ' ' + name + ' ' + hhmm(stop.start) + '–' + hhmm(stop.end) });
        b.append(el('span', { textContent: tag }), el('br'), el('span', { textContent: hhmm(stop.start) }));
        const named = el('li', {}, el('span', { className: 'route-number', textContent: tag }), name + ' ' + hhmm(stop.start) + '–' + hhmm(stop.end));
        named.firstChild.style.background = colour;
        names.append(named);
        b.style.left = ((minutes(stop.start) - day0) / span * 100) + '%';
        b.style.width = ((minutes(stop.end) - minutes(stop.start)) / span * 100) + '%';
        b.style.background = colour;
        bar.append(b);
        const o = outcomes[stop.visitId];
        const recorded = !o ? '' : ' · ' + (o.outcome === 'Done' ? T('visitDone') : T('visitNotDone', T(o.reason || 'Other')));
        stops.append(el('li', { textContent: tag + ' ' + hhmm(stop.start) + '–' + hhmm(stop.end) + ' ' + name + (r ? ' · ' + r.address : '') + recorded }));
      });
      if (route.break) {
        const b = el('div', { className: 'blk lunch', textContent: T('lunch') });
        b.style.left = ((minutes(route.break.start) - day0) / span * 100) + '%';
        b.style.width = ((minutes(route.break.end) - minutes(route.break.start)) / span * 100) + '%';
        bar.append(b);
      }
      points.push([CONFIG.centre.lat, CONFIG.centre.lng]);
      if (route.stops.length) L.polyline(points, { color: colour, weight: 4, dashArray: dashes[i % dashes.length] }).bindTooltip(label).addTo(layer);
      const badge = el('span', { className: 'route-number', textContent: String(number) });
      badge.style.background = colour;
      routes.append(el('li', {}, badge, ' ' + label, stops));
      inner.append(el('div', { className: 'row' }, el('span', { className: 'who', textContent: number + ' ' + staffName(route.staffId) }), bar));
      if (route.stops.length) inner.append(names);
    });
    timeline.append(inner);
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20] });
    for (const d of plan.dropped) {
      const r = byId[d.visitId];
      dropped.append(el('li', { textContent: (r ? r.residentName : d.visitId) + ': ' + T(d.reason) }));
    }
    if (!plan.dropped.length) dropped.append(el('li', { textContent: T('allPlanned') }));
  }

  async function follow(id) {
    const started = Date.now();
    const progress = $('progress');
    for (;;) {
      const res = await api('/api/dispatch/plans/' + encodeURIComponent(id));
      if (!res.ok) { await showError(res); return; }
      const run = await res.json();
      if (run.status === 'Queued' || run.status === 'Solving') {
        progress.textContent = T('planning', Math.round((Date.now() - started) / 1000));
        await new Promise(r => setTimeout(r, 700));
        continue;
      }
      // The planner's failure is its own English text: an English page shows it, a Chinese page says it in its words.
      const failure = run.status === 'Failed' ? T('failed') + (CONFIG.lang === 'en' && run.failure ? run.failure : T('failedWhy')) : T('planned');
      // The plan is drawn first: "planned, check it" is said once there is something to check.
      try {
        await show(run);
      } finally {
        progress.textContent = failure + searchText(run);
        $('publish').disabled = run.status !== 'Solved';
      }
      return;
    }
  }

  // How the planner's search went: how long it searched and what it found, or why it ended before its limit.
  function searchText(run) {
    const d = run.searchDetails;
    if (!d) return '';
    const seconds = d.searchedSeconds < 10 ? d.searchedSeconds.toFixed(1) : Math.round(d.searchedSeconds);
    if (d.ended === 'TimeLimit' || d.ended === 'IterationLimit') return T('searched', seconds, d.improvements);
    // Why it ended, by its kind in the reader's words; the planner's own sentence only on an English page.
    const why = CONFIG.texts['ended.' + d.ended] || T('ended.other');
    return T('searchStopped', seconds, CONFIG.lang === 'en' && d.reason ? why + ': ' + d.reason : why);
  }

  $('plan').addEventListener('click', async () => {
    await loadRequests();
    const res = await api('/api/dispatch/plans', { method: 'POST', body: JSON.stringify({ date: $('plan-date').value }) });
    if (!res.ok) { await showError(res); return; }
    runId = (await res.json()).id;
    await follow(runId);
  });
  $('publish').addEventListener('click', async () => {
    const res = await api('/api/dispatch/plans/' + encodeURIComponent(runId) + '/publish', { method: 'POST', body: '{}' });
    if (!res.ok) { await showError(res); return; }
    $('progress').textContent = T('published');
    $('publish').disabled = true;
  });

  // The window roster: plan a day (the request waits for the solver) or load the day's roster from the server (the
  // published one, else the newest), shown as a grid of staff by slot whose every cell names the duty in words (colour only repeats it).
  let roster = null;
  const rosterSay = (text) => { $('roster-status').textContent = text; };
  const rosterProblem = problemText;
  const percent = (x) => (Math.round(x * 1000) / 10).toString();
  function dutyText(d) {
    if (d.kind === 'Window') return T('duty.Window', CONFIG.categories[d.ref] || d.ref);
    if (d.kind === 'Route') {
      const i = roster.routes.findIndex(r => r.routeId === d.ref);
      return T('duty.Route', i >= 0 ? i + 1 : d.ref);
    }
    return T('duty.' + d.kind);
  }
  function showRoster(run) {
    roster = run;
    const s = run.statistics, score = run.score, w = run.waiting, short = run.shortfall;
    const summary = [
      T('rosterSummary', T('roster.' + run.status), T('solver.' + s.status), percent(s.gap), s.seconds.toFixed(1)),
      T('rosterPenalties', score.shortfall + score.overstaffing + score.fairness + score.switches + score.changes,
        score.shortfall, score.overstaffing, score.fairness, score.switches, score.changes),
      short.missingWindowSlots === 0 ? T('rosterCovered') : T('rosterShort', short.missingWindowSlots, short.beyondHall),
    ];
    const mins = (x) => (x < 10 ? x.toFixed(1) : String(Math.round(x)));
    if (w) summary.push(T('rosterWaits', mins(w.p50), mins(w.p90), mins(w.flatP50), mins(w.flatP90)));
    $('roster-summary').replaceChildren(el('ul', {}, ...summary.map(t => el('li', { textContent: t }))));

    const day = run.day, opens = minutes(day.opens);
    const at = (slot) => { const m = opens + slot * day.slotMinutes; return Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0'); };
    const table = el('table', { className: 'roster' });
    table.append(el('caption', { textContent: T('rosterCaption', run.date, at(0), day.slotMinutes) }));
    const head = el('tr', {}, el('th', { scope: 'col', textContent: T('rosterStaff') }));
    for (let t = 0; t < day.slots; t++) head.append(el('th', { scope: 'col', textContent: at(t) }));
    table.append(el('thead', {}, head));
    const rows = el('tbody');
    for (const [staffId, duties] of Object.entries(run.duties)) {
      const tr = el('tr', {}, el('th', { scope: 'row', textContent: staffName(staffId) }));
      for (let t = 0; t < duties.length;) {
        let end = t + 1;
        while (end < duties.length && duties[end].kind === duties[t].kind && duties[end].ref === duties[t].ref) end++;
        const text = dutyText(duties[t]);
        const cell = el('td', { className: 'duty duty-' + duties[t].kind.toLowerCase(), colSpan: end - t, textContent: text, title: at(t) + '–' + at(end) + ' ' + text });
        tr.append(cell);
        t = end;
      }
      rows.append(tr);
    }
    table.append(rows);
    const region = el('div', { className: 'table-region', tabIndex: 0 }, table);
    region.setAttribute('role', 'region');
    region.setAttribute('aria-labelledby', 'roster-title');
    $('roster-grid').replaceChildren(region);
    $('roster-publish').disabled = run.status !== 'Planned';
  }

  $('roster-plan').addEventListener('click', async () => {
    const date = $('roster-date').value;
    const button = $('roster-plan');
    button.disabled = true;
    rosterSay(T('rosterPlanning'));
    try {
      const res = await api('/api/dispatch/rosters', { method: 'POST', body: JSON.stringify({ date }) });
      if (!res.ok) { rosterSay(await rosterProblem(res)); return; }
      const run = await res.json();
      rosterSay('');
      showRoster(run);
    } finally { button.disabled = false; }
  });
  $('roster-load').addEventListener('click', async () => {
    // The day's rosters from the server: the published one, else the newest, whoever planned it and wherever.
    const day = await api('/api/dispatch/rosters?date=' + encodeURIComponent($('roster-date').value));
    if (!day.ok) { rosterSay(await rosterProblem(day)); return; }
    const { openId } = await day.json();
    if (!openId) { rosterSay(T('rosterNone')); return; }
    const res = await api('/api/dispatch/rosters/' + encodeURIComponent(openId));
    if (!res.ok) { rosterSay(await rosterProblem(res)); return; }
    rosterSay('');
    showRoster(await res.json());
  });
  $('roster-publish').addEventListener('click', async () => {
    if (!roster) return;
    const res = await api('/api/dispatch/rosters/' + encodeURIComponent(roster.id) + '/publish', { method: 'POST', body: '{}' });
    if (!res.ok) { rosterSay(await rosterProblem(res)); return; }
    const publication = await res.json();
    showRoster(publication.roster);
    rosterSay(T('rosterPublished') + (publication.overbooked.length ? ' ' + T('rosterOverbooked', publication.overbooked.length) : ''));
  });

  // Follow-ups of ratings 1 and 2: open ones first, overdue ones marked; closing needs a note.
  const when = (instant) => new Date(instant).toLocaleString(CONFIG.lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' });
  async function loadFollowUps() {
    const box = $('follow-ups');
    const res = await api('/api/dispatch/follow-ups');
    if (!res.ok) { box.replaceChildren(el('p', { textContent: await problemText(res) })); return; }
    const list = await res.json();
    if (!list.length) { box.replaceChildren(el('p', { textContent: T('noFollowUps') })); return; }
    const table = el('table');
    const head = el('tr');
    ['subject', 'kind', 'score', 'reason', 'opened', 'due', 'status', 'note'].forEach(h => head.append(el('th', { scope: 'col', textContent: T(h) })));
    table.append(el('thead', {}, head));
    const rows = el('tbody');
    for (const f of list) {
      const tr = el('tr', { className: f.overdue ? 'overdue' : '' });
      // Who and what, by name (the subject's id only when the appointment or visit can no longer be read).
      const who = f.residentName ? f.residentName + (f.itemId ? ' · ' + (CONFIG.items[f.itemId] || CONFIG.bundles[f.itemId] || f.itemId) : '') : f.subject;
      f.label = who;
      tr.append(el('td', { textContent: who }), el('td', { textContent: T('kind.' + f.kind) }),
        el('td', { textContent: f.kind === 'rating' ? String(f.score) : '' }), el('td', { textContent: f.reason || '' }),
        el('td', { textContent: when(f.openedAt) }), el('td', { textContent: when(f.due) }));
      const status = el('td');
      if (f.overdue) status.append(el('span', { className: 'badge overdue', textContent: T('overdue') }));
      else status.append(T(f.status === 'Closed' ? 'closed' : 'open'));
      tr.append(status);
      const act = el('td');
      if (f.status === 'Open') {
        const note = el('input', { type: 'text' });
        note.setAttribute('aria-label', T('note') + ' ' + f.label + ' ' + T('kind.' + f.kind));
        const close = el('button', { type: 'button', textContent: T('close') });
        close.setAttribute('aria-label', T('close') + ' ' + f.label + ' ' + T('kind.' + f.kind));
        close.addEventListener('click', async () => {
          if (!note.value.trim()) { note.setAttribute('aria-invalid', 'true'); $('progress').textContent = T('noteNeeded'); note.focus(); return; }
          const r = await api('/api/dispatch/follow-ups/close', { method: 'POST', body: JSON.stringify({ subject: f.subject, kind: f.kind, note: note.value }) });
          if (!r.ok) await showError(r);
          await loadFollowUps();
        });
        act.append(note, close);
      } else {
        act.append(f.note || '');
      }
      tr.append(act);
      rows.append(tr);
    }
    table.append(rows);
    const region = el('div', { className: 'table-region', tabIndex: 0 }, table);
    region.setAttribute('role', 'region');
    region.setAttribute('aria-labelledby', 'follow-ups-title');
    box.replaceChildren(region);
  }

  loadRequests();
  loadFollowUps();
})();
