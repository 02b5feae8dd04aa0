// The pending-plans panel (agent.mode approve / recommend): each plan the agent left for a person, with its
// risk, the change and its blast radius, and Approve / Reject buttons that call the REST endpoints with the
// session token app.js keeps. Approving runs the change as the token's caller; the server refuses an expired
// plan or a target changed since the plan, and this panel shows its reason.
const API = '/api/v1';
const TOKEN_KEY = 'sentinelops.token';
const POLL_MS = 5000;
const $ = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('data-')) el.setAttribute(k, v);
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const auth = () => {
  const token = sessionStorage.getItem(TOKEN_KEY) || '';
  return token ? { Authorization: `Bearer ${token}` } : {};
};

const RISK_CLASS = { low: 'pill-ok', medium: 'pill-warn', high: 'pill-bad' };
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');

async function decide(id, decision) {
  const out = $('plans-result');
  out.textContent = decision === 'approve' ? `approving plan #${id}…` : `rejecting plan #${id}…`;
  const res = await fetch(`${API}/plans/${id}/${decision}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: '{}' });
  const json = await res.json().catch(() => ({}));
  out.textContent = res.ok ? json.message : json.error || `HTTP ${res.status}`;
  out.className = res.ok ? 'small' : 'small error';
  void tick();
}

function render(data) {
  const plans = data.plans;
  $('plans-count').textContent = plans.length ? `${plans.length} waiting` : '';
  $('plans')
    .querySelector('tbody')
    .replaceChildren(
      ...(plans.length
        ? plans.map((p) => {
            const b = p.plan.blastRadius;
            return h(
              'tr',
              { 'data-testid': 'plan-row', 'data-plan': String(p.id) },
              h('td', {}, `#${p.id}`),
              h('td', {}, h('span', { class: `pill ${RISK_CLASS[p.risk] || 'pill-muted'}`, title: p.riskReasons.join('; ') }, p.risk)),
              h(
                'td',
                { class: 'name', title: p.reason },
                p.plan.summary || `${p.tool} ${p.target}`,
                h(
                  'div',
                  { class: 'muted small' },
                  `${b.podsRestarting} restart · ${b.podsRemoved} removed · replicas ${b.replicas ?? '?'} (${b.replicaDelta >= 0 ? '+' : ''}${b.replicaDelta})`,
                ),
              ),
              h('td', { class: 'hide-sm muted small' }, time(p.expiresAt)),
              h(
                'td',
                {},
                h('button', { type: 'button', class: 'warn', 'data-testid': 'plan-approve', onclick: () => void decide(p.id, 'approve') }, 'Approve'),
                ' ',
                h('button', { type: 'button', class: 'ghost', 'data-testid': 'plan-reject', onclick: () => void decide(p.id, 'reject') }, 'Reject'),
              ),
            );
          })
        : [h('tr', {}, h('td', { colSpan: 5, class: 'muted' }, 'nothing waits for a person'))]),
    );
}

async function tick() {
  try {
    const res = await fetch(`${API}/plans?state=pending&limit=20`, { headers: auth() });
    if (!res.ok) throw new Error(`plans: HTTP ${res.status}`);
    render(await res.json());
  } catch (err) {
    $('plans-result').textContent = String(err.message || err);
    $('plans-result').className = 'small error';
  }
}

void tick();
setInterval(() => void tick(), POLL_MS);
