// The humans-in-the-loop panels: the notification outbox (what was sent where, what is still pending or
// gave up) and undo of a change by its auditId. Its own module beside app.js; it reads the session token app.js keeps (shared.js) and polls REST.
import { $, get, h, POLL_MS, send } from './shared.js';

const STATE_CLASS = { delivered: 'pill-ok', pending: 'pill-warn', dead: 'pill-bad' };
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');

function renderNotifications(data) {
  const { counts, sinks, items } = data;
  $('notify-counts').textContent = `${counts.delivered} delivered · ${counts.pending} pending · ${counts.dead} dead`;
  $('notify-sinks').textContent = sinks.length ? `sinks: ${sinks.map((s) => `${s.name} (${s.type})`).join(', ')}` : 'no sinks configured (notify.sinks)';
  const body = $('notifications').querySelector('tbody');
  body.replaceChildren(
    ...(items.length
      ? items.map((n) =>
          h(
            'tr',
            { 'data-state': n.state, 'data-testid': 'notification-row' },
            h('td', {}, h('span', { class: `pill ${STATE_CLASS[n.state] || 'pill-muted'}` }, n.state)),
            h('td', {}, n.sink),
            h('td', { class: 'name', title: n.event }, n.title || n.event),
            h('td', { class: 'hide-sm' }, String(n.attempts)),
            h(
              'td',
              { class: 'hide-sm muted small' },
              n.state === 'delivered' ? time(n.deliveredAt) : n.state === 'pending' ? `next ${time(n.nextAttemptAt)}` : n.lastError || '',
            ),
          ),
        )
      : [h('tr', {}, h('td', { colSpan: 5, class: 'muted' }, 'nothing sent yet'))]),
  );
}

async function tick() {
  try {
    renderNotifications(await get('/notifications?limit=20'));
    $('notify-error').textContent = '';
  } catch (err) {
    $('notify-error').textContent = String(err.message || err);
  }
}

// ---------- undo: the server decides whether it is possible and says why not
async function undo(dryRun) {
  const id = Number($('undo-id').value);
  const out = $('undo-result');
  if (!Number.isInteger(id) || id < 1) {
    out.textContent = 'enter the auditId a change returned';
    out.className = 'small error';
    return;
  }
  out.textContent = dryRun ? 'planning…' : 'undoing…';
  const r = await send('POST', '/undo', { id, dryRun });
  out.textContent = r.ok ? r.json.message : r.json.error || 'failed';
  out.className = r.ok ? 'small' : 'small error';
}
$('undo-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void undo(false);
});
$('undo-plan').addEventListener('click', () => void undo(true));

void tick();
setInterval(() => void tick(), POLL_MS);
