// The pending-plans panel (agent.mode approve / recommend): each plan the agent left for a person, with its
// risk, the change and its blast radius, and Approve / Reject buttons that call the REST endpoints with the
// session token app.js keeps. Approving runs the change as the token's caller; the server refuses an expired
// plan or a target changed since the plan, and this panel shows its reason.
import { $, get, h, POLL_MS, send } from './shared.js';

const RISK_CLASS = { low: 'pill-ok', medium: 'pill-warn', high: 'pill-bad' };
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');

async function decide(id, decision) {
  const out = $('plans-result');
  out.textContent = decision === 'approve' ? `approving plan #${id}…` : `rejecting plan #${id}…`;
  const r = await send('POST', `/plans/${id}/${decision}`, {});
  out.textContent = r.ok ? r.json.message : r.json.error || `HTTP ${r.status}`;
  out.className = r.ok ? 'small' : 'small error';
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
    render(await get('/plans?state=pending&limit=20'));
    // a refusal shown before the token was typed is over once a poll succeeds
    if ($('plans-result').classList.contains('error') && $('plans-result').dataset.poll) {
      $('plans-result').textContent = '';
      $('plans-result').className = 'small';
      delete $('plans-result').dataset.poll;
    }
  } catch (err) {
    $('plans-result').dataset.poll = 'failed';
    $('plans-result').textContent = String(err.message || err);
    $('plans-result').className = 'small error';
  }
}

void tick();
setInterval(() => void tick(), POLL_MS);
