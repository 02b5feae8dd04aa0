// SentinelOps dashboard. Plain ES module, no build step: renders /api/v1/dashboard/stats, kept live by
// the server-sent event stream (read with fetch so the bearer token travels in a header, never the URL),
// falling back to polling with back-off when the stream is down.
import { $, API, h, TOKEN_KEY } from './shared.js';

const COLORS = ['#38bdf8', '#a78bfa', '#34d399', '#fbbf24', '#f472b6', '#60a5fa', '#fb923c', '#2dd4bf', '#e879f9', '#a3e635'];
const PHASE_COLORS = { Running: '#22c55e', Pending: '#f59e0b', Failed: '#ef4444', Succeeded: '#818cf8', Unknown: '#8c98b4' };

const CLUSTER_KEY = 'sentinelops.cluster';
let token = sessionStorage.getItem(TOKEN_KEY) || '';
// The picked cluster ('' = the server's default, with every cluster's incidents); every view follows it.
let cluster = sessionStorage.getItem(CLUSTER_KEY) || '';
const clusterQuery = () => (cluster ? `?cluster=${encodeURIComponent(cluster)}` : '');
let last = null;
const charts = {};

const setText = (id, text, cls) => {
  const el = $(id);
  el.textContent = text;
  if (cls !== undefined) el.className = `value ${cls}`;
};

// ---------- formatting
const pct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)}%`);
function duration(s) {
  if (s === null || s === undefined) return '–';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
const money = (v) => (typeof v === 'number' ? `$${v >= 100 ? v.toFixed(0) : v.toFixed(2)}` : '–');
function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');
const utilClass = (v) => (v === null || v === undefined ? '' : v >= 80 ? 'bad' : v >= 60 ? 'warn' : 'ok');
// ---------- API access with the token
class Unauthorized extends Error {}
async function api(path, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${API}${path}`, { ...init, headers });
  if (res.status === 401) {
    askToken(token ? 'That token was refused.' : '');
    throw new Unauthorized('token required');
  }
  return res;
}

function askToken(message) {
  const dialog = $('token-dialog');
  $('token-error').textContent = message;
  $('token-button').hidden = false;
  if (!dialog.open) dialog.showModal();
}

$('token-form').addEventListener('submit', () => {
  token = $('token-input').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token-input').value = '';
  reconnectNow();
});
$('token-button').addEventListener('click', () => askToken(''));

// ---------- live updates: SSE over fetch, polling with back-off as the fallback
let backoff = 1000;
let wake = null;
let streamAbort = null;
let switching = false;
function reconnectNow() {
  backoff = 1000;
  if (wake) wake();
}
function setLive(on, text) {
  $('live').classList.toggle('on', on);
  $('live-text').textContent = text;
}

async function streamOnce() {
  const ac = new AbortController();
  streamAbort = ac;
  const res = await api(`/events/stream${clusterQuery()}`, { signal: ac.signal, headers: { Accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
  setLive(true, 'live');
  backoff = 1000;
  // the first connection (often right after the token was typed) also loads the cluster picker
  if (!clustersLoaded) refreshClusters();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}

function onEvent(event, data) {
  if (event === 'stats') render(data);
  if (event === 'incident' && last) {
    // show the change at once; the refreshed stats follow within a second
    const items = (last.incidents || []).filter((i) => i.id !== data.incident.id);
    last.incidents = [data.incident, ...items];
    renderIncidents(last);
  }
}

async function pollOnce() {
  const res = await api(`/dashboard/stats${clusterQuery()}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  render(await res.json());
}

async function run() {
  for (;;) {
    try {
      await streamOnce();
      setLive(false, 'reconnecting');
    } catch (err) {
      setLive(false, err instanceof Unauthorized ? 'token needed' : 'offline');
      if (!(err instanceof Unauthorized)) await pollOnce().catch(() => {});
    }
    if (switching) {
      // another cluster was picked: its stream at once, no back-off
      switching = false;
      backoff = 1000;
      continue;
    }
    await new Promise((resolve) => {
      wake = resolve;
      setTimeout(resolve, backoff);
    });
    backoff = Math.min(backoff * 2, 30000);
  }
}

// ---------- cluster picker (list_clusters; shown only when more than one cluster is configured)
let clustersLoaded = false;
async function loadClusters() {
  const res = await api('/clusters');
  if (!res.ok) return;
  const { defaultCluster, clusters } = await res.json();
  clustersLoaded = true;
  const label = $('cluster-picker-label');
  label.hidden = clusters.length < 2;
  if (label.hidden) return;
  if (cluster && !clusters.some((c) => c.name === cluster)) pickCluster('');
  const select = $('cluster-picker');
  const option = (c, value, text) =>
    h('option', { value, selected: value === cluster, 'data-reachable': String(c.reachable) }, c.reachable ? text : `${text} — unreachable`);
  const def = clusters.find((c) => c.name === defaultCluster) || { reachable: true };
  select.replaceChildren(option(def, '', `${defaultCluster} (default, all incidents)`), ...clusters.map((c) => option(c, c.name, c.name)));
  select.title = clusters
    .filter((c) => !c.reachable)
    .map((c) => `${c.name}: ${c.error || 'unreachable'}`)
    .join('\n');
}
function pickCluster(name) {
  cluster = name;
  sessionStorage.setItem(CLUSTER_KEY, name);
  last = null;
  for (const c of Object.values(charts)) c.plot.destroy();
  for (const k of Object.keys(charts)) delete charts[k];
  switching = true;
  streamAbort?.abort();
  reconnectNow();
}
$('cluster-picker').addEventListener('change', (e) => pickCluster(e.target.value));

// ---------- rendering
function render(stats) {
  // a stream of the cluster shown before the switch may still deliver one frame
  if ((stats.cluster || '') !== cluster) return;
  last = stats;
  $('updated').textContent = `updated ${clock(stats.generatedAt)}`;
  renderHealth(stats);
  renderKpis(stats);
  renderDeployments(stats);
  renderCharts(stats);
  renderAgent(stats);
  renderChaos(stats);
  renderIncidents(stats);
}

function renderHealth({ health }) {
  const el = $('cluster-status');
  if (!health) {
    el.textContent = 'cluster unknown';
    el.className = 'pill pill-muted';
    return;
  }
  const cls = { healthy: 'pill-ok', degraded: 'pill-warn', unhealthy: 'pill-bad' }[health.status] || 'pill-muted';
  el.textContent = `cluster ${health.status}`;
  el.className = `pill ${cls}`;
  const n = health.problems.length;
  $('problems-count').textContent = n
    ? `${n} problem${n > 1 ? 's' : ''}: ${health.problems
        .slice(0, 3)
        .map((p) => `${p.name} ${p.reason}`)
        .join(', ')}`
    : 'no problems detected';
}

function renderKpis(stats) {
  const { health, deployments, stats: s, cost, savings } = stats;
  if (health) {
    setText('kpi-nodes', `${health.nodes.ready}/${health.nodes.total}`, health.nodes.ready === health.nodes.total ? 'ok' : 'bad');
    $('kpi-nodes-sub').textContent = health.nodes.notReady.length
      ? `not ready: ${health.nodes.notReady.join(', ')}`
      : `API ${(health.apiServer.version || '').split('-')[0]} · ${health.apiServer.latencyMs ?? '–'} ms`;
    const phases = health.pods.byPhase;
    const running = phases.Running || 0;
    setText('kpi-pods', `${running}/${health.pods.total}`, health.pods.unhealthy ? 'warn' : 'ok');
    $('kpi-pods-sub').textContent =
      `${health.pods.unhealthy} unhealthy · ` +
      Object.entries(phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ');
    const bar = $('phase-bar');
    bar.replaceChildren(
      ...Object.entries(phases).map(([k, v]) =>
        h('span', { title: `${k}: ${v}`, style: { width: `${(100 * v) / Math.max(1, health.pods.total)}%`, background: PHASE_COLORS[k] || '#8c98b4' } }),
      ),
    );
  }
  if (deployments) {
    const healthy = deployments.filter((d) => d.readyReplicas >= d.replicas).length;
    setText('kpi-deployments', `${healthy}/${deployments.length}`, healthy === deployments.length ? 'ok' : 'warn');
    const desired = deployments.reduce((a, d) => a + d.replicas, 0);
    const ready = deployments.reduce((a, d) => a + d.readyReplicas, 0);
    $('kpi-deployments-sub').textContent = `${ready} of ${desired} replicas ready`;
  }
  if (s) {
    setText(
      'kpi-success',
      s.successRate === null ? '–' : `${Math.round(s.successRate * 100)}%`,
      s.successRate === null ? '' : s.successRate >= 0.9 ? 'ok' : 'warn',
    );
    $('kpi-success-sub').textContent = `${s.resolved} resolved · ${s.open} open · ${s.total} total`;
    setText('kpi-mttr', duration(s.mttrSeconds.mean));
    $('kpi-mttr-sub').textContent = s.mttrSeconds.count
      ? `p50 ${duration(s.mttrSeconds.p50)} · p95 ${duration(s.mttrSeconds.p95)}`
      : 'no resolved incidents yet';
  }
  // cost_report and cost_savings outputs
  setText('kpi-cost', cost ? `${money(cost.total.monthly)}/mo` : '–');
  $('kpi-cost-sub').textContent = cost ? `${money(cost.total.hourly)}/h · idle ${money(cost.total.idleMonthly)}/mo` : stats.unavailable.cost || '';
  const saved = savings?.total.projectedMonthlySavings;
  setText('kpi-savings', typeof saved === 'number' ? `${money(saved)}/mo` : '–', saved > 0 ? 'ok' : '');
  const share = savings?.total.savingsPercent;
  $('kpi-savings-sub').textContent = savings
    ? `${typeof share === 'number' ? `${Math.round(share)}% ` : ''}vs static baseline${savings.deployments.length ? '' : ' (collecting history)'}`
    : stats.unavailable.savings || '';
}

function colorOf(key) {
  const keys = (last?.series?.deployments || []).map((d) => `${d.namespace}/${d.name}`).sort();
  const i = keys.indexOf(key);
  return COLORS[(i < 0 ? 0 : i) % COLORS.length];
}

function meter(value, max, cls, label) {
  const width = max ? Math.min(100, (100 * value) / max) : 0;
  return h(
    'div',
    { class: 'meter' },
    h('div', { class: 'track' }, h('div', { class: `fill ${cls}`, style: { width: `${width}%` } })),
    h('span', { class: 'num' }, label),
  );
}

function renderDeployments({ deployments, nodes, metricsSource, unavailable }) {
  $('metrics-source').textContent = metricsSource ? `metrics: ${metricsSource}` : unavailable.metrics ? `metrics unavailable` : '';
  const body = $('deployments').tBodies[0];
  if (!deployments) {
    body.replaceChildren(h('tr', {}, h('td', { colSpan: 5, class: 'error' }, unavailable.deployments || 'unavailable')));
  } else if (!deployments.length) {
    body.replaceChildren(h('tr', {}, h('td', { colSpan: 5, class: 'muted' }, 'no deployments')));
  } else {
    body.replaceChildren(
      ...deployments.map((d) => {
        const key = `${d.namespace}/${d.name}`;
        const readyCls = d.readyReplicas >= d.replicas ? 'ok' : d.readyReplicas === 0 ? 'bad' : 'warn';
        return h(
          'tr',
          { 'data-deployment': key },
          h(
            'td',
            {},
            h('span', { class: 'swatch', style: { background: colorOf(key) } }),
            h('span', { class: 'name' }, d.name),
            ' ',
            h('span', { class: 'ns' }, d.namespace),
          ),
          h('td', {}, meter(d.readyReplicas, Math.max(d.replicas, 1), readyCls, `${d.readyReplicas}/${d.replicas}`)),
          h('td', {}, meter(d.cpuUtilization ?? 0, 100, utilClass(d.cpuUtilization), pct(d.cpuUtilization))),
          h('td', { class: 'hide-sm' }, meter(d.memoryUtilization ?? 0, 100, utilClass(d.memoryUtilization), pct(d.memoryUtilization))),
          h('td', { class: 'hide-sm image' }, (d.images || []).join(', '), d.revision ? ` · rev ${d.revision}` : ''),
        );
      }),
    );
  }
  $('nodes').replaceChildren(
    ...(nodes || []).map((n) =>
      h(
        'li',
        { title: `${n.kubeletVersion || ''} ${n.pressure.join(', ')}` },
        h('b', {}, n.name),
        h('span', { class: `pill ${n.ready ? 'pill-ok' : 'pill-bad'}` }, n.ready ? 'Ready' : 'NotReady'),
        ' ',
        h('span', { class: 'muted' }, `${(n.cpuAllocatableMillicores / 1000).toFixed(1)} CPU · ${(n.memoryAllocatableBytes / 2 ** 30).toFixed(0)} GiB`),
      ),
    ),
  );
}

// ---------- charts (uPlot)
function axisStyle(extra = {}) {
  return {
    stroke: '#8c98b4',
    grid: { stroke: 'rgba(36,49,82,.7)', width: 1 },
    ticks: { stroke: 'rgba(36,49,82,.7)', width: 1 },
    font: '11px system-ui, sans-serif',
    ...extra,
  };
}

/** one-line local time labels; seconds only when ticks are closer than a minute */
function timeLabels(u, splits, axisIdx, space, incr) {
  const opts = incr < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return splits.map((t) => new Date(t * 1000).toLocaleTimeString([], opts));
}

function alignSeries(series) {
  const times = [...new Set(series.flatMap((d) => d.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const column = (d, k) => {
    const col = new Array(times.length).fill(null);
    for (const p of d.points) col[index.get(p[0])] = p[k];
    return col;
  };
  return { times, column };
}

function chartFor(id, signature, makeOpts) {
  const el = $(id);
  const existing = charts[id];
  if (existing && existing.signature === signature) return existing.plot;
  existing?.plot.destroy();
  const plot = new uPlot(makeOpts(el.clientWidth || 600), [[]], el);
  charts[id] = { plot, signature };
  return plot;
}

function renderCharts({ series }) {
  if (typeof uPlot === 'undefined' || !series) return;
  const deps = [...series.deployments].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const { times, column } = alignSeries(deps);
  const signature = deps.map((d) => `${d.namespace}/${d.name}`).join(',');
  const base = (width, yLabel, extra) => ({
    width,
    height: 240,
    cursor: { points: { size: 6 } },
    legend: { live: false },
    scales: { x: { time: true } },
    axes: [axisStyle({ space: 70, values: timeLabels }), axisStyle({ label: yLabel, labelSize: 16, size: 50, ...extra })],
  });
  const cpu = chartFor('chart-cpu', signature, (w) => ({
    ...base(w, '% of request', { values: (u, v) => v.map((x) => `${x}%`) }),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(100, Math.ceil((max || 0) / 20) * 20)] } },
    series: [
      {},
      ...deps.map((d) => ({
        label: d.name,
        stroke: colorOf(`${d.namespace}/${d.name}`),
        width: 2,
        spanGaps: true,
        points: { show: false },
        value: (u, v) => (v === null ? '–' : `${v.toFixed(1)}%`),
      })),
    ],
  }));
  cpu.setData([times, ...deps.map((d) => column(d, 1))]);
  const replicas = chartFor('chart-replicas', signature, (w) => ({
    ...base(w, 'replicas', { values: (u, v) => v.map((x) => (Number.isInteger(x) ? x : '')) }),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(4, (max || 0) + 1)] } },
    series: [
      {},
      ...deps.flatMap((d) => {
        const color = colorOf(`${d.namespace}/${d.name}`);
        const stepped = uPlot.paths.stepped({ align: 1 });
        return [
          { label: `${d.name} desired`, stroke: color, width: 2, paths: stepped, spanGaps: true, points: { show: false } },
          { label: `${d.name} ready`, stroke: color, width: 1.5, dash: [5, 4], paths: stepped, spanGaps: true, points: { show: false } },
        ];
      }),
    ],
  }));
  replicas.setData([times, ...deps.flatMap((d) => [column(d, 2), column(d, 3)])]);
}

new ResizeObserver(() => {
  for (const [id, c] of Object.entries(charts)) c.plot.setSize({ width: $(id).clientWidth, height: 240 });
}).observe(document.querySelector('.charts'));

// ---------- agent (agent_status: running, leader, policy, lastCycle; the server keeps the last few cycles)
function renderAgent({ agent, agentCycles, unavailable }) {
  const box = $('agent');
  const state = $('agent-state');
  if (!agent) {
    state.textContent = 'not running';
    state.className = 'pill pill-muted';
    box.replaceChildren(h('p', { class: 'muted small' }, unavailable.agent || 'No agent status.'));
    return;
  }
  state.textContent = !agent.running ? 'stopped' : !agent.leader ? 'standby' : agent.dryRun ? 'recommending' : 'watching';
  state.className = `pill ${!agent.running ? 'pill-muted' : !agent.leader ? 'pill-info' : 'pill-ok'}`;
  const rows = [
    ['Policy', agent.policy],
    ['Every', `${agent.intervalSeconds} s, and at once on failures`],
    ['Cycles', agent.cycles],
    ['Last cycle', agent.lastCycle ? `${ago(agent.lastCycle.at)} · ${agent.lastCycle.trigger}` : 'none yet'],
    ['Mode', agent.dryRun ? 'dry run (recommend only)' : 'acting'],
    ['Open incidents', agent.openIncidents.length],
  ];
  const cycles = agentCycles?.length ? agentCycles : agent.lastCycle ? [agent.lastCycle] : [];
  // agent.clusters: one runner per cluster; the picked one first
  const runners = [...(agent.clusters || [])].sort((a, b) => (b.cluster === cluster) - (a.cluster === cluster));
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  box.replaceChildren(
    h(
      'dl',
      {},
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
    ),
    runners.length
      ? h(
          'ul',
          { class: 'plain small runners', 'data-testid': 'agent-clusters' },
          runners.map((r) =>
            h(
              'li',
              { 'data-cluster': r.cluster, 'data-reachable': String(r.reachable), class: r.cluster === cluster ? 'selected' : '' },
              h('b', {}, r.cluster),
              ' ',
              h(
                'span',
                { class: `pill ${r.reachable === false ? 'pill-bad' : r.leader ? 'pill-ok' : 'pill-info'}` },
                r.reachable === false ? 'unreachable' : r.leader ? 'leader' : 'standby',
              ),
              h('span', { class: 'muted' }, ` ${plural(r.cycles, 'cycle')}${r.lastCycleAt ? ` · last ${ago(r.lastCycleAt)}` : ''} · ${r.openIncidents} open`),
              r.lastError || r.unreachableReason ? h('div', { class: 'error' }, r.unreachableReason || r.lastError) : '',
            ),
          ),
        )
      : '',
    cycles.length
      ? h(
          'ol',
          { class: 'cycles', 'data-testid': 'agent-cycles' },
          cycles
            .slice(0, 5)
            .map((c) =>
              h(
                'li',
                {},
                h('span', { class: 'n' }, `#${c.cycle}`),
                h(
                  'span',
                  {},
                  c.skipped
                    ? `skipped: ${c.skipped}`
                    : c.error
                      ? h('span', { class: 'error' }, c.error)
                      : c.findings.length
                        ? `${plural(c.findings.length, 'finding')} (${[...new Set(c.findings.map((f) => f.type))].join(', ')}) · ${plural(c.results.length, 'action')}`
                        : h('span', { class: 'muted' }, 'all clear'),
                  c.results.length ? h('span', { class: 'muted' }, ` (${c.results.map((r) => `${r.tool}${r.ok ? '' : ' ✗'}`).join(', ')})`) : '',
                ),
                h('span', { class: 'muted' }, `${Math.round(c.wallMs)} ms · ${ago(c.at)}`),
              ),
            ),
        )
      : h('p', { class: 'muted small' }, 'No cycles yet.'),
  );
}

// ---------- chaos
let chaosTargets = '';
function renderChaos({ chaosEnabled, chaos, deployments }) {
  const panel = $('chaos');
  panel.hidden = !chaosEnabled || !chaos;
  if (panel.hidden) return;
  const keys = (deployments || []).map((d) => `${d.namespace}/${d.name}`);
  if (keys.join() !== chaosTargets) {
    const select = $('chaos-target');
    const current = select.value;
    select.replaceChildren(...keys.map((k) => h('option', { value: k, selected: k === current }, k)));
    chaosTargets = keys.join();
  }
  // chaos_status: running experiments first, then the most recent ones
  const shown = [...chaos.active, ...chaos.recent.filter((r) => !chaos.active.some((a) => a.id === r.id))].slice(0, 5);
  $('chaos-experiments').replaceChildren(
    ...shown.map((e) =>
      h(
        'li',
        {},
        h('span', { class: `pill ${e.state === 'active' ? 'pill-warn' : 'pill-muted'}` }, e.kind),
        ' ',
        `${e.namespace}/${e.target}`,
        h('span', { class: 'muted' }, ` · ${e.state} · ${clock(e.startedAt)}`),
      ),
    ),
  );
}

for (const button of document.querySelectorAll('[data-chaos]')) {
  button.addEventListener('click', async () => {
    const kind = button.dataset.chaos;
    const [namespace, deployment] = ($('chaos-target').value || '/').split('/');
    const out = $('chaos-result');
    const body = kind === 'cleanup' ? {} : kind === 'cpu_spike' ? { namespace, deployment, duration: 120 } : { namespace, deployment };
    button.disabled = true;
    out.className = 'small muted';
    out.textContent = `${kind}: sending…`;
    try {
      const res = await api(`/simulate/${kind}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = await res.json();
      out.className = res.ok ? 'small' : 'small error';
      out.textContent = res.ok ? `${kind}: ${json.message || 'done'}` : `${kind} refused (${res.status}): ${json.error}`;
    } catch (err) {
      out.className = 'small error';
      out.textContent = `${kind} failed: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
}

// ---------- incidents
const OUTCOME_PILL = { open: 'pill-warn', resolved: 'pill-ok', failed: 'pill-bad', escalated: 'pill-bad' };
function renderIncidents({ incidents, stats, unavailable }) {
  const list = $('incidents');
  $('incident-counts').textContent = stats
    ? Object.entries(stats.byOutcome)
        .map(([k, v]) => `${v} ${k}`)
        .join(' · ')
    : '';
  if (!incidents) {
    list.replaceChildren(h('li', { class: 'error' }, unavailable.incidents || 'unavailable'));
    return;
  }
  if (!incidents.length) {
    list.replaceChildren(h('li', { class: 'muted' }, 'No incidents yet. Quiet is good.'));
    return;
  }
  list.replaceChildren(
    ...incidents.slice(0, 12).map((i) => {
      const mttr = i.resolvedAt ? (Date.parse(i.resolvedAt) - Date.parse(i.detectedAt)) / 1000 : null;
      const actions = i.actions || [];
      const lastAction = actions[actions.length - 1];
      const result =
        i.outcome === 'resolved'
          ? `Resolved ${clock(i.resolvedAt)}, healthy again`
          : i.outcome === 'open'
            ? actions.length
              ? 'Verifying…'
              : 'Awaiting action'
            : i.summary || i.outcome;
      return h(
        'li',
        { class: `incident sev-${i.severity}`, 'data-incident': i.id, 'data-outcome': i.outcome },
        h(
          'div',
          { class: 'head' },
          h('span', { class: 'title' }, i.title),
          h(
            'span',
            {},
            h('span', { class: `pill ${OUTCOME_PILL[i.outcome] || 'pill-muted'}` }, i.outcome),
            ' ',
            h('span', { class: 'pill pill-muted' }, i.severity),
          ),
        ),
        h(
          'div',
          { class: 'meta' },
          h('span', {}, i.id),
          i.cluster ? h('span', { class: 'cluster', 'data-testid': 'incident-cluster' }, i.cluster) : '',
          h('span', {}, `${i.namespace}/${i.target}`),
          h('span', {}, i.type),
          h('span', {}, `detected ${clock(i.detectedAt)}`),
          mttr !== null ? h('span', {}, `MTTR ${duration(mttr)}`) : '',
        ),
        h(
          'div',
          { class: 'flow' },
          h('div', { class: 'step' }, h('b', {}, 'Issue'), i.summary && i.outcome === 'open' ? i.summary : i.title),
          h(
            'div',
            { class: 'step' },
            h('b', {}, `Action${actions.length > 1 ? `s (${actions.length})` : ''}`),
            lastAction
              ? [h('code', {}, lastAction.tool), ' ', lastAction.ok ? '' : '(failed) ', lastAction.reason || '']
              : h('span', { class: 'muted' }, i.outcome === 'resolved' ? 'none needed: it recovered on its own' : 'none yet'),
          ),
          h('div', { class: 'step' }, h('b', {}, 'Result'), result),
        ),
      );
    }),
  );
}

// ---------- start
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) reconnectNow();
});
const refreshClusters = () => loadClusters().catch(() => {});
refreshClusters();
setInterval(refreshClusters, 30000);
run();
