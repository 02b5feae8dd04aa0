/**
 * Rehearsal benchmark (issue 14): every scenario in demo/scenarios (or the files given) × N seeds × each policy, on
 * the embedded simulator in virtual time, scored by the referee (src/rehearsal/referee.ts). Prints
 *  1. per scenario and policy: mean [min–max] over the seeds of SLO-violation s, replica·s, disruptions, unserved
 *     CPU·s, actions, and the ratio of replica·s to the oracle bound;
 *  2. the Pareto check: on every scenario and seed, is `sentinelops` dominated by `hpa` or `threshold` on
 *     (SLO-violation s, replica·s, disruptions)? Ties count within one accounting step (1 s) or 1 %;
 *  3. sums over all scenarios against `hpa`, and the oracle ratio on the load-only scenarios.
 *
 *   npx tsx bench/rehearsal.ts [--seeds 5] [--policies sentinelops,hpa,threshold,none] [--json out.json] [scenario.yaml ...]
 *
 * Seeds are the scenario's seed, +1, +2 ...: each changes the simulator's randomness and the fault jitter.
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
  options: {
    policies: { type: 'string', default: 'sentinelops,hpa,threshold,none' },
    seeds: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
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
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got ${values.seeds}`);

interface Figures {
  slo: number;
  rs: number;
  dis: number;
  unserved: number;
  actions: number;
  ratio: number | null;
  wall: number;
}
const figures = (r: RehearsalReport): Figures => ({
  slo: r.totals?.sloViolationSeconds ?? 0,
  rs: r.totals?.replicaSeconds ?? 0,
  dis: r.totals?.disruptions ?? 0,
  unserved: r.totals?.unservedCpuSeconds ?? 0,
  actions: r.totals?.actions ?? 0,
  ratio: r.totals?.oracleRatio ?? null,
  wall: r.wallSeconds,
});

/** results[scenario][policy][seedIndex] */
const results = new Map<string, Map<string, Figures[]>>();
const loadOnly = new Set<string>();
const reports: RehearsalReport[] = [];
for (const file of files) {
  const scenario = await loadScenarioFile(file);
  const name = scenario.metadata.name;
  if (scenario.spec.events.length === 0) loadOnly.add(name);
  const byPolicy = new Map<string, Figures[]>();
  results.set(name, byPolicy);
  for (let i = 0; i < seeds; i++) {
    for (const policy of policies) {
      const { report } = await rehearse(scenario, { policy, seed: scenario.spec.seed + i });
      reports.push(report);
      const f = figures(report);
      (byPolicy.get(policy) ?? byPolicy.set(policy, []).get(policy)!).push(f);
      process.stderr.write(
        `${name} seed ${scenario.spec.seed + i} ${policy}: slo ${f.slo} s, ${Math.round(f.rs)} replica·s, ${f.dis} disruptions, ${f.actions} actions, wall ${f.wall.toFixed(1)} s\n`,
      );
    }
  }
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));
const stat = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length === 1 ? fmt(mean) : `${fmt(mean)} [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]`;
};
const out: string[] = [
  `Seeds per scenario: ${seeds}. Cells: mean [min–max] over seeds.`,
  '',
  '| scenario | policy | SLO-violation s | replica·s | disruptions | unserved CPU·s | actions | replica·s / oracle | wall s |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [name, byPolicy] of results) {
  for (const [policy, fs] of byPolicy) {
    const ratios = fs.map((f) => f.ratio).filter((r): r is number => r !== null);
    out.push(
      `| ${name}${loadOnly.has(name) ? ' (load only)' : ''} | ${policy} | ${stat(fs.map((f) => f.slo))} | ${stat(fs.map((f) => f.rs))} | ${stat(fs.map((f) => f.dis))} | ${stat(fs.map((f) => f.unserved))} | ${stat(fs.map((f) => f.actions))} | ${ratios.length ? stat(ratios.map((r) => r * 100)).replace(/(\d)(?=[ \]–]|$)/g, '$1') + ' %' : '–'} | ${stat(fs.map((f) => f.wall))} |`,
    );
  }
}

/** a is no worse than b on x within one accounting step (1 s) or 1 %. */
const noWorse = (a: number, b: number) => a <= b + Math.max(1, 0.01 * Math.abs(b));
const strictlyBetter = (a: number, b: number) => !noWorse(b, a);
/** `other` dominates `mine`: no worse on every axis (with the tolerance) and clearly better on one. */
const dominates = (other: Figures, mine: Figures) =>
  noWorse(other.slo, mine.slo) &&
  noWorse(other.rs, mine.rs) &&
  noWorse(other.dis, mine.dis) &&
  (strictlyBetter(other.slo, mine.slo) || strictlyBetter(other.rs, mine.rs) || strictlyBetter(other.dis, mine.dis));

if (policies.includes('sentinelops')) {
  out.push('', '**Pareto check** (sentinelops dominated on (SLO-violation s, replica·s, disruptions), tolerance 1 s / 1 %):', '');
  let checked = 0;
  const failures: string[] = [];
  for (const [name, byPolicy] of results) {
    const mine = byPolicy.get('sentinelops')!;
    for (const rival of ['hpa', 'threshold']) {
      const theirs = byPolicy.get(rival);
      if (!theirs) continue;
      mine.forEach((m, i) => {
        checked++;
        const t = theirs[i]!;
        if (dominates(t, m))
          failures.push(
            `- ${name} seed #${i + 1}: dominated by ${rival} (slo ${fmt(t.slo)} vs ${fmt(m.slo)}, replica·s ${fmt(t.rs)} vs ${fmt(m.rs)}, disruptions ${t.dis} vs ${m.dis})`,
          );
      });
    }
  }
  out.push(failures.length ? `${failures.length} of ${checked} comparisons dominated:` : `not dominated in any of ${checked} comparisons.`, ...failures);
  if (policies.includes('hpa')) {
    const sum = (p: string, k: keyof Figures) => {
      let n = 0;
      for (const byPolicy of results.values()) for (const f of byPolicy.get(p) ?? []) n += Number(f[k] ?? 0);
      return n;
    };
    const sloMine = sum('sentinelops', 'slo');
    const sloHpa = sum('hpa', 'slo');
    const rsMine = sum('sentinelops', 'rs');
    const rsHpa = sum('hpa', 'rs');
    out.push(
      '',
      `**Sums over all scenarios and seeds**: SLO-violation ${fmt(sloMine)} s (sentinelops) vs ${fmt(sloHpa)} s (hpa) = ${sloHpa ? fmt((100 * sloMine) / sloHpa) : '–'} % (target ≤ 50 %); replica·s ${fmt(rsMine)} vs ${fmt(rsHpa)} = ${rsHpa ? fmt((100 * rsMine) / rsHpa) : '–'} % (target ≤ 100 %); disruptions ${sum('sentinelops', 'dis')} vs ${sum('hpa', 'dis')}.`,
    );
  }
  const lo = [...loadOnly].flatMap((n) => (results.get(n)?.get('sentinelops') ?? []).map((f) => ({ n, r: f.ratio })));
  if (lo.length) {
    const worst = lo.reduce((a, b) => ((b.r ?? 0) > (a.r ?? 0) ? b : a));
    out.push(
      '',
      `**Oracle ratio on load-only scenarios** (sentinelops replica·s / oracle, target ≤ 125 %): worst ${worst.r === null ? '–' : fmt(worst.r * 100)} % (${worst.n}); ${lo.map((x) => `${x.n} ${x.r === null ? '–' : fmt(x.r * 100)} %`).join(', ')}.`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
if (values.json) writeFileSync(values.json, JSON.stringify(reports, null, 2));
