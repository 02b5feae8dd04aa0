/**
 * The readable cycle summary on stderr, in the seed's shape (cycle number, metrics, issues with severity, actions
 * planned, results, cycle time), so someone watching a terminal sees the agent think. Structured logs carry the
 * same facts for machines; this is for people.
 */
import type { CycleReport } from './runner.js';

const RULE = '='.repeat(70);
const pct = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(1)}%`);

export function formatCycleSummary(r: CycleReport): string {
  const lines: string[] = [
    RULE,
    `CYCLE #${r.cycle} - ${new Date(r.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}  (${r.trigger}${r.mode !== 'act' ? `, ${r.mode}` : ''})`,
    RULE,
  ];
  if (r.skipped) {
    lines.push(`   ⏸  skipped: ${r.skipped}`, `⏱️  Cycle completed in ${Math.round(r.wallMs)}ms`, '');
    return lines.join('\n');
  }
  lines.push('', '📊 STEP 1: Collecting metrics...');
  if (r.error && !r.observation) {
    lines.push(`   ❌ ${r.error}`, '', `⏱️  Cycle failed after ${Math.round(r.wallMs)}ms`, '');
    return lines.join('\n');
  }
  const o = r.observation!;
  lines.push(
    `   CPU: ${pct(o.cpuUtilization)} | Memory: ${pct(o.memoryUtilization)} | Pods: ${o.readyPods}/${o.pods} ready | Nodes: ${o.readyNodes}/${o.nodes} ready${o.metricsAvailable ? '' : ' | metrics unavailable'}`,
  );
  // Deployments with a finding or missing replicas are listed; the fine ones are counted (1,000 lines of "ok" hide the one that is not).
  const flagged = new Set(r.findings.filter((f) => f.kind === 'deployment').map((f) => `${f.namespace}/${f.target}`));
  const notable = o.deployments.filter((d) => d.ready < d.replicas || flagged.has(d.key));
  for (const d of notable) {
    lines.push(
      `   - ${d.key}: ${d.ready}/${d.replicas} ready, CPU ${pct(d.cpuUtilization)}, memory ${pct(d.memoryUtilization)}${d.image ? `, ${d.image}` : ''}`,
    );
  }
  if (notable.length < o.deployments.length) lines.push(`   ✓ ${o.deployments.length - notable.length} deployment(s) fine (all replicas ready, no finding)`);

  lines.push('', '🔍 STEP 2: Analyzing for issues...');
  if (r.findings.length === 0) lines.push('   ✅ No issues found');
  else {
    lines.push(`   ⚠️  Found ${r.findings.length} issue(s):`);
    for (const f of r.findings) lines.push(`      - [${f.severity.toUpperCase()}] ${f.type}: ${f.message}`);
  }

  const planned = r.decisions.filter((d) => d.action !== 'none');
  lines.push('', '🧠 STEP 3: Deciding on actions...');
  if (planned.length === 0) lines.push('   💤 No action needed');
  else {
    lines.push(`   📋 Planned ${planned.length} action(s):`);
    for (const d of planned) lines.push(`      - ${d.action}: ${d.message}`);
  }
  const held = r.decisions.filter((d) => d.action === 'none' && d.reason !== 'WithinThresholds' && d.reason !== 'WithinTolerance');
  for (const d of held.slice(0, 5)) lines.push(`      · held (${d.reason}): ${d.message}`);
  if (held.length > 5) lines.push(`      · ${held.length - 5} more held`);

  lines.push('', `⚡ STEP 4: ${r.mode === 'act' ? 'Executing actions' : 'Would have done (dry run)'}...`);
  if (r.results.length === 0) lines.push('   (nothing to execute)');
  for (const a of r.results) {
    const mark = a.ok ? (a.verification && !a.verification.ok ? '⚠️ ' : '✅') : '❌';
    lines.push(`   ${mark} ${a.tool} ${JSON.stringify(a.arguments)}: ${a.message}${a.verification ? ` (verified: ${a.verification.detail})` : ''}`);
  }

  lines.push('', '📝 STEP 5: Logging incidents...');
  const inc = r.incidents;
  if (!inc || inc.opened.length + inc.resolved.length + inc.escalated.length + inc.failed.length === 0) lines.push('   (no change)');
  else {
    for (const i of inc.opened) lines.push(`   🆕 ${i.id} opened: [${i.severity.toUpperCase()}] ${i.type} on ${i.namespace}/${i.target}`);
    for (const i of inc.escalated) lines.push(`   📣 ${i.id} escalated: ${i.type} on ${i.namespace}/${i.target} (${i.severity})`);
    for (const i of inc.failed) lines.push(`   ❌ ${i.id} failed: ${i.type} on ${i.namespace}/${i.target}`);
    for (const i of inc.resolved) lines.push(`   ✅ ${i.id} resolved: ${i.type} on ${i.namespace}/${i.target}, MTTR ${Math.round(i.mttrSeconds)}s`);
  }
  if (r.error) lines.push(`   ❌ ${r.error}`);
  lines.push('', `⏱️  Cycle completed in ${Math.round(r.wallMs)}ms`, '');
  return lines.join('\n');
}
