/**
 * Rehearsal benchmark (issue 14): every scenario in demo/scenarios (or the files given) × N seeds × each policy, on
 * the embedded simulator in virtual time, scored by the referee (src/rehearsal/referee.ts). Prints
 *  1. per scenario and policy: mean [min–max] over the seeds of SLO-violation s, replica·s, disruptions, unserved
 *     CPU·s, actions, and the ratio of replica·s to the oracle bound;
 *  2. the Pareto check: on every scenario and seed, is `sentinelops` dominated by `hpa` or `threshold` on
 *     (SLO-violation s, replica·s, disruptions)? Ties count within one accounting step (1 s) or 1 %;
 *  3. sums over all scenarios against `hpa` — raw, and "avoidable" (above the fewest SLO-violation seconds any policy
 *     had on that scenario+seed, the part a decision could have removed) — and the oracle ratio on the load-only
 *     scenarios.
 *
 *   npx tsx bench/rehearsal.ts [--seeds 5] [--policies sentinelops,hpa,threshold,none] [--json out.json] [scenario.yaml ...]
 * --first-seed K starts at the scenario's seed + K (to split one --seeds run across processes).
 *   npx tsx bench/rehearsal.ts --merge a.json,b.json   (the summary of earlier --json runs, e.g. split across processes)
 *
 * Seeds are the scenario's seed, +1, +2 ...: each changes the simulator's randomness and the fault jitter.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
    'first-seed': { type: 'string', default: '0' },
    json: { type: 'string' },
    merge: { type: 'string' },
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
const firstSeed = Number(values['first-seed']);
if (!Number.isInteger(firstSeed) || firstSeed < 0) throw new Error(`--first-seed must be an integer >= 0, got ${values['first-seed']}`);

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

const reports: RehearsalReport[] = [];
if (values.merge) {
  // Summarize runs made earlier (e.g. split across processes): no rehearsal runs.
  for (const f of values.merge.split(',')) reports.push(...(JSON.parse(readFileSync(f, 'utf8')) as RehearsalReport[]));
} else {
  for (const file of files) {
    const scenario = await loadScenarioFile(file);
    for (let i = firstSeed; i < firstSeed + seeds; i++) {
      for (const policy of policies) {
        const { report } = await rehearse(scenario, { policy, seed: scenario.spec.seed + i });
        reports.push(report);
        const f = figures(report);
        process.stderr.write(
          `${report.scenario} seed ${report.seed} ${policy}: slo ${f.slo} s, ${Math.round(f.rs)} replica·s, ${f.dis} disruptions, ${f.actions} actions, wall ${f.wall.toFixed(1)} s\n`,
        );
        // Written after every run, so a run stopped early keeps what finished.
        if (values.json) writeFileSync(values.json, JSON.stringify(reports));
      }
    }
  }
}

/** results[scenario][policy][seed] */
const results = new Map<string, Map<string, Map<number, Figures>>>();
const loadOnly = new Set<string>();
for (const r of reports) {
  if (r.loadOnly) loadOnly.add(r.scenario);
  const byPolicy = results.get(r.scenario) ?? results.set(r.scenario, new Map()).get(r.scenario)!;
  const bySeed = byPolicy.get(r.policy) ?? byPolicy.set(r.policy, new Map()).get(r.policy)!;
  bySeed.set(r.seed ?? 0, figures(r));
}
const seen = new Set(reports.map((r) => r.policy));
const present = (p: string) => seen.has(p);

const fmt = (n: number) => (Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));
const stat = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length === 1 ? fmt(mean) : `${fmt(mean)} [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]`;
};
const seedCount = Math.max(...[...results.values()].flatMap((bp) => [...bp.values()].map((bs) => bs.size)));
const out: string[] = [
  `Seeds per scenario: ${seedCount}. Cells: mean [min–max] over seeds.`,
  '',
  '| scenario | policy | SLO-violation s | replica·s | disruptions | unserved CPU·s | actions | replica·s / oracle | wall s |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [name, byPolicy] of results) {
  for (const [policy, bySeed] of byPolicy) {
    const fs = [...bySeed.values()];
    const ratios = fs.map((f) => f.ratio).filter((r): r is number => r !== null);
    out.push(
      `| ${name}${loadOnly.has(name) ? ' (load only)' : ''} | ${policy} | ${stat(fs.map((f) => f.slo))} | ${stat(fs.map((f) => f.rs))} | ${stat(fs.map((f) => f.dis))} | ${stat(fs.map((f) => f.unserved))} | ${stat(fs.map((f) => f.actions))} | ${ratios.length ? `${stat(ratios.map((r) => r * 100))} %` : '–'} | ${stat(fs.map((f) => f.wall))} |`,
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

/** Scenario+seed pairs every listed policy finished. */
const pairs = (need: string[]) =>
  [...results].flatMap(([name, byPolicy]) =>
    [...(byPolicy.get('sentinelops')?.keys() ?? [])]
      .filter((seed) => need.every((p) => byPolicy.get(p)?.has(seed)))
      .map((seed) => ({ name, seed, of: (p: string) => byPolicy.get(p)!.get(seed)! })),
  );

if (present('sentinelops')) {
  const rivals = ['hpa', 'threshold'].filter(present);
  out.push('', '**Pareto check** (sentinelops dominated on (SLO-violation s, replica·s, disruptions), tolerance 1 s / 1 %):', '');
  let checked = 0;
  const failures: string[] = [];
  for (const { name, seed, of } of pairs(rivals)) {
    const m = of('sentinelops');
    for (const rival of rivals) {
      checked++;
      const t = of(rival);
      if (dominates(t, m))
        failures.push(
          `- ${name} seed ${seed}: dominated by ${rival} (slo ${fmt(t.slo)} vs ${fmt(m.slo)}, replica·s ${fmt(t.rs)} vs ${fmt(m.rs)}, disruptions ${t.dis} vs ${m.dis})`,
        );
    }
  }
  out.push(failures.length ? `${failures.length} of ${checked} comparisons dominated:` : `not dominated in any of ${checked} comparisons.`, ...failures);
  // Per scenario and seed: "ok", or who dominates.
  const verdicts = new Map<string, string[]>();
  for (const { name, seed, of } of pairs(rivals)) {
    const by = rivals.filter((r) => dominates(of(r), of('sentinelops')));
    (verdicts.get(name) ?? verdicts.set(name, []).get(name)!).push(`${seed} ${by.length ? `✗ ${by.join('+')}` : 'ok'}`);
  }
  out.push('', '| scenario | Pareto per seed (ok = not dominated by hpa or threshold) |', '|---|---|');
  for (const [name, v] of verdicts) out.push(`| ${name} | ${v.join(', ')} |`);
  if (present('hpa')) {
    const all = pairs(['hpa']);
    const sum = (p: string, k: keyof Figures, ps = all) => ps.reduce((n, x) => n + Number(x.of(p)[k] ?? 0), 0);
    const pct = (a: number, b: number) => (b ? `${fmt((100 * a) / b)} %` : '–');
    const sloMine = sum('sentinelops', 'slo');
    const sloHpa = sum('hpa', 'slo');
    const rsMine = sum('sentinelops', 'rs');
    const rsHpa = sum('hpa', 'rs');
    out.push(
      '',
      `**Sums over ${all.length} scenario+seed pairs**: SLO-violation ${fmt(sloMine)} s (sentinelops) vs ${fmt(sloHpa)} s (hpa) = ${pct(sloMine, sloHpa)} (target ≤ 50 %); replica·s ${fmt(rsMine)} vs ${fmt(rsHpa)} = ${pct(rsMine, rsHpa)} (target ≤ 100 %); disruptions ${sum('sentinelops', 'dis')} vs ${sum('hpa', 'dis')}.`,
    );
    // Avoidable seconds: above the floor no policy got under on that scenario+seed (dependency down, crash loop with
    // a broken dependency, a full cluster: every policy, `none` included, has them; no decision can remove them).
    const everyone = ['sentinelops', 'hpa', 'threshold', 'none'].filter(present);
    const full = pairs(everyone);
    const floor = (x: (typeof full)[number]) => Math.min(...everyone.map((p) => x.of(p).slo));
    const avoidable = (p: string) => full.reduce((n, x) => n + x.of(p).slo - floor(x), 0);
    const floorSum = full.reduce((n, x) => n + floor(x), 0);
    out.push(
      '',
      `**Avoidable SLO-violation s** (each policy's seconds above the floor = the fewest any of ${everyone.join(', ')} had on that scenario+seed; ${full.length} pairs, floor ${fmt(floorSum)} s of hpa's ${fmt(sum('hpa', 'slo', full))}): ` +
        `${everyone.map((p) => `${p} ${fmt(avoidable(p))} s`).join(', ')}; sentinelops / hpa = ${pct(avoidable('sentinelops'), avoidable('hpa'))} (target ≤ 50 %).`,
    );
  }
  const lo = [...loadOnly].flatMap((n) => [...(results.get(n)?.get('sentinelops')?.entries() ?? [])].map(([seed, f]) => ({ n, seed, r: f.ratio })));
  if (lo.length) {
    const worst = lo.reduce((a, b) => ((b.r ?? 0) > (a.r ?? 0) ? b : a));
    out.push(
      '',
      `**Oracle ratio on load-only scenarios** (sentinelops replica·s / oracle, target ≤ 125 %): worst ${worst.r === null ? '–' : fmt(worst.r * 100)} % (${worst.n} seed ${worst.seed}); ${lo.map((x) => `${x.n}#${x.seed} ${x.r === null ? '–' : fmt(x.r * 100)} %`).join(', ')}.`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
