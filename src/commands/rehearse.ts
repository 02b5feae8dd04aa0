/**
 * `sentinelops-mcp rehearse <scenario.yaml> [--json] [--policy X]`: plays a scenario on the embedded simulator in
 * virtual time with the real agent loop and prints the report (docs/scenarios.md): readable by default, the JSON
 * report with --json. Same file and seed → same report (except wallSeconds).
 */
import type { PolicyName } from '../policy/settings.js';
import { rehearse } from '../rehearsal/rehearse.js';
import type { RehearsalReport } from '../rehearsal/report.js';
import { ScenarioError, loadScenarioFile } from '../rehearsal/scenario.js';
import { formatDuration } from '../base/duration.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../base/log.js';
import { type CommandSpec, parseCommand, usageText } from './cli-flags.js';

const POLICIES: readonly PolicyName[] = ['sentinelops', 'threshold', 'hpa', 'none'];

export const REHEARSE: CommandSpec = {
  synopsis: 'sentinelops-mcp rehearse <scenario.yaml> [flags]',
  about:
    'Plays a scenario on the embedded simulator in virtual time with the real agent loop and prints the report.\nThe environment is not read, so the same file and seed give the same report.',
  flags: [
    {
      name: 'policy',
      type: 'string',
      arg: '<name>',
      help: `${POLICIES.join('|')} (default sentinelops; threshold = the seed's rules, hpa = Kubernetes HPA defaults)`,
    },
    { name: 'json', type: 'boolean', help: 'print the JSON report (docs/scenarios.md) instead of the readable one' },
    { name: 'verbose', type: 'boolean', help: "print every agent cycle's summary to stderr while it runs" },
  ],
  configFile: 'flag-only',
  positionals: { min: 1, max: 1, what: 'scenario file' },
};

export async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, REHEARSE);
  if (!parsed) return;
  const v = parsed.values;
  const positionals = parsed.positionals;
  const policy = (v.policy ?? 'sentinelops') as PolicyName;
  if (!POLICIES.includes(policy)) {
    process.stderr.write(`--policy: expected one of ${POLICIES.join(', ')}, got "${String(v.policy)}"\n\n${usageText(REHEARSE)}`);
    process.exitCode = 2;
    return;
  }
  try {
    const scenario = await loadScenarioFile(positionals[0]!);
    const config = loadConfig({ configFile: parsed.configFile, env: {} });
    const logger = createLogger({ level: v.verbose ? 'info' : 'silent', name: 'sentinelops-rehearse' });
    const { report } = await rehearse(scenario, {
      policy,
      config,
      logger,
      summary: v.verbose ? (t) => process.stderr.write(`${t}\n`) : null,
    });
    process.stdout.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  } catch (err) {
    if (err instanceof ScenarioError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`sentinelops-mcp rehearse: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

const clockText = (s: number | null) => {
  if (s === null) return '—';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

export function formatReport(r: RehearsalReport): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`Rehearsal ${r.scenario} — policy ${r.policy}: ${formatDuration(r.simulatedSeconds)} simulated in ${r.wallSeconds.toFixed(1)}s`, '');
  out.push('Deployments');
  for (const [key, d] of Object.entries(r.deployments)) {
    out.push(
      `  ${key.padEnd(24)} ${d.finalReadyReplicas}/${d.finalReplicas} ready  ${d.finalImage}  replica·s ${Math.round(d.replicaSeconds)}  overload ${Math.round(d.overloadSeconds)}s  unavailable ${Math.round(d.unavailableSeconds)}s  restarts ${d.podRestarts}`,
    );
  }
  const mttr = s.mttrSeconds;
  out.push(
    '',
    `Incidents: ${s.incidents} (resolved ${s.resolved}, successful ${s.successful}, escalated ${s.escalated}${s.resolutionRate !== null ? `, resolution rate ${(s.resolutionRate * 100).toFixed(0)}%` : ''}${mttr.mean !== null ? `, MTTR mean ${Math.round(mttr.mean)}s p50 ${mttr.p50}s p95 ${mttr.p95}s` : ''})`,
  );
  for (const i of r.incidents) {
    out.push(
      `  ${i.id.padEnd(7)} ${clockText(i.detectedAt).padStart(8)} → ${clockText(i.resolvedAt).padEnd(8)} ${i.outcome.padEnd(9)} ${i.severity.padEnd(8)} ${i.type} ${i.namespace}/${i.target}${i.mttrSeconds !== null ? `  MTTR ${Math.round(i.mttrSeconds)}s` : ''}  ${i.actions.length} action(s)`,
    );
  }
  out.push('', `Actions: ${s.actions}`);
  for (const a of r.actions) {
    const { namespace, deployment, pod, ...rest } = a.arguments as Record<string, unknown>;
    const extra = Object.entries(rest)
      .map(([k, val]) => `${k}=${String(val)}`)
      .join(' ');
    out.push(`  ${clockText(a.at).padStart(8)}  ${a.tool} ${namespace}/${String(deployment ?? pod)}${extra ? ` ${extra}` : ''}  ${a.ok ? 'ok' : 'refused'}`);
  }
  return `${out.join('\n')}\n`;
}
