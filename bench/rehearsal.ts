/**
 * Rehearsal benchmark: every scenario in demo/scenarios (or the files given) under each policy, on the embedded
 * simulator in virtual time. Prints a markdown table (the one in BENCHMARKS.md) and, with --json, every report.
 *
 *   npx tsx bench/rehearsal.ts [--policies sentinelops,threshold,hpa,none] [--json out.json] [scenario.yaml ...]
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PolicyName } from '../src/policy/settings.js';
import { rehearse } from '../src/rehearsal/rehearse.js';
import type { RehearsalReport } from '../src/rehearsal/report.js';
import { loadScenarioFile } from '../src/rehearsal/scenario.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { policies: { type: 'string', default: 'sentinelops,threshold,hpa,none' }, json: { type: 'string' } },
  allowPositionals: true,
});
const dir = join(import.meta.dirname, '../demo/scenarios');
const files = positionals.length
  ? positionals
  : readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => join(dir, f));
const policies = values.policies!.split(',') as PolicyName[];

const sum = (r: RehearsalReport, k: 'overloadSeconds' | 'replicaSeconds' | 'unavailableSeconds' | 'podRestarts') =>
  Object.values(r.deployments).reduce((n, d) => n + d[k], 0);

const reports: RehearsalReport[] = [];
const rows: string[] = [
  '| scenario | policy | overload s | replica·s | unavailable s | restarts | incidents | resolved | MTTR p50 s | actions | wall s |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const file of files) {
  const scenario = await loadScenarioFile(file);
  for (const policy of policies) {
    const { report: r } = await rehearse(scenario, { policy });
    reports.push(r);
    const row = `| ${r.scenario} | ${policy} | ${Math.round(sum(r, 'overloadSeconds'))} | ${Math.round(sum(r, 'replicaSeconds'))} | ${Math.round(sum(r, 'unavailableSeconds'))} | ${sum(r, 'podRestarts')} | ${r.summary.incidents} | ${r.summary.resolved} | ${r.summary.mttrSeconds.p50 ?? '–'} | ${r.summary.actions} | ${r.wallSeconds.toFixed(1)} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
if (values.json) writeFileSync(values.json, JSON.stringify(reports, null, 2));
