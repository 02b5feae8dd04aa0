/**
 * REST for pending plans (agent.mode approve / recommend): the tool routes (list, approve, reject with the
 * caller's credential, audited as that caller) and the signed links of the approval_needed notification.
 *
 * A signed link is public (a person in Slack has no bearer token): its HMAC is the authority for one
 * decision on one plan until it expires (src/approvals/links.ts). GET only shows the plan and a button;
 * the button POSTs back, so a chat client's link preview never decides. The decision runs through the
 * same decide_plan tool, audited as `signed-link` (with the name the person typed, marked as given).
 */
import { type Context, Hono } from 'hono';
import { checkLink, type LinkDecision } from '../approvals/links.js';
import type { ServerDeps } from '../catalog/deps.js';
import type { ToolInvoker } from './invoker.js';
import type { ToolRoute } from './routes.js';

export const PLAN_ROUTES: readonly ToolRoute[] = [
  {
    method: 'GET',
    path: '/plans',
    tool: 'list_plans',
    tag: 'approvals',
    summary: "The agent's plans (pending, approved, rejected, expired, failed) with change, blast radius, risk and who decided",
  },
  {
    method: 'POST',
    path: '/plans/{id}/approve',
    tool: 'decide_plan',
    tag: 'approvals',
    summary: 'Approve a pending plan: runs exactly its change through the guardrails, audited as you; 409 when expired or the target changed',
    fixed: { decision: 'approve' },
  },
  {
    method: 'POST',
    path: '/plans/{id}/reject',
    tool: 'decide_plan',
    tag: 'approvals',
    summary: 'Reject a pending plan: nothing changes; recorded on the incident',
    fixed: { decision: 'reject' },
  },
];

const SIGNED = /^\/api\/v1\/plans\/\d{1,12}\/signed\/(approve|reject)$/;

/** The signed-link paths need no credential (their signature is checked instead). */
export function isSignedPlanPath(pathname: string): boolean {
  return SIGNED.test(pathname);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(c: Context, status: number, title: string, body: string): Response {
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${esc(title)}</title><style>body{font:15px system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}` +
      `pre{white-space:pre-wrap;background:#f4f4f4;padding:.6rem}button{font-size:1rem;padding:.4rem 1rem}</style></head>` +
      `<body><h1>${esc(title)}</h1>${body}</body></html>`,
    status as 200,
    { 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" },
  );
}

/** Mounted under /api/v1 before the API, so these two paths are served here. */
export function signedPlanRoutes(deps: Pick<ServerDeps, 'config' | 'clock'>, invoker: () => ToolInvoker): Hono {
  const app = new Hono({ strict: false });
  const check = (c: Context, exp: string | undefined, sig: string | undefined) => {
    const id = Number(c.req.param('id'));
    const decision = c.req.param('decision') as LinkDecision;
    return { id, decision, verdict: checkLink(deps.config, id, decision, exp, sig, deps.clock.now()) };
  };
  app.get('/plans/:id{[0-9]+}/signed/:decision{approve|reject}', async (c) => {
    const { id, decision, verdict } = check(c, c.req.query('exp'), c.req.query('sig'));
    if (!verdict.ok) return page(c, verdict.status, 'Link not valid', `<p>${esc(verdict.reason)}; nothing was changed.</p>`);
    const found = (await invoker().invoke('list_plans', { id }, { caller: 'signed-link' })) as { plans: Record<string, unknown>[] };
    const plan = found.plans[0];
    if (!plan) return page(c, 404, 'Plan not found', `<p>Plan #${id} does not exist.</p>`);
    const p = plan.plan as { summary: string; change: unknown; blastRadius: unknown };
    return page(
      c,
      200,
      `${decision === 'approve' ? 'Approve' : 'Reject'} plan #${id}?`,
      `<p><b>${esc(String(plan.tool))}</b> on ${esc(String(plan.target))} — state <b>${esc(String(plan.state))}</b>, risk <b>${esc(String(plan.risk))}</b>, expires ${esc(String(plan.expiresAt))}</p>` +
        `<p>${esc(p.summary)}</p><p>Why: ${esc(String(plan.reason))}</p>` +
        `<pre>${esc(JSON.stringify({ change: p.change, blastRadius: p.blastRadius, riskReasons: plan.riskReasons }, null, 2))}</pre>` +
        `<form method="post"><input type="hidden" name="exp" value="${esc(c.req.query('exp') ?? '')}"><input type="hidden" name="sig" value="${esc(c.req.query('sig') ?? '')}">` +
        `<p><label>Your name (recorded in the audit log) <input name="by" maxlength="60" required></label></p>` +
        `<button type="submit">${decision === 'approve' ? 'Approve and run it' : 'Reject it'}</button></form>`,
    );
  });
  app.post('/plans/:id{[0-9]+}/signed/:decision{approve|reject}', async (c) => {
    const form = await c.req.parseBody();
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const { id, decision, verdict } = check(c, str('exp'), str('sig'));
    if (!verdict.ok) return page(c, verdict.status, 'Link not valid', `<p>${esc(verdict.reason)}; nothing was changed.</p>`);
    const name = (str('by') ?? '')
      .replace(/[^\p{L}\p{N} ._@-]/gu, '')
      .trim()
      .slice(0, 60);
    const caller = name ? `signed-link (${name}, as given)` : 'signed-link';
    try {
      const out = (await invoker().invoke('decide_plan', { id, decision }, { caller })) as { message: string };
      return page(c, 200, `Plan #${id} ${decision === 'approve' ? 'approved' : 'rejected'}`, `<p>${esc(out.message)}</p>`);
    } catch (err) {
      return page(c, 409, `Plan #${id} not ${decision === 'approve' ? 'approved' : 'rejected'}`, `<p>${esc((err as Error).message)}</p>`);
    }
  });
  return app;
}
