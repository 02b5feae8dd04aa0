/**
 * The agent over several clusters (agent.clusters) as the one AgentControl agent_status, agent_run_cycle, REST and
 * the dashboard talk to: each cluster keeps its own runner (loop, Lease, timers); this only lists them and routes a
 * request to one of them, or to all of them side by side.
 */
import type { AgentRunner } from '../agent/runner.js';
import type { AgentControl, AgentStatusWithClusters, ClusterRunner, CycleJson, CycleRun } from '../ports/agent-control.js';
import { ServiceError } from '../base/errors.js';

export class ClusterAgents implements AgentControl {
  private readonly names: string[];

  constructor(private readonly runners: Readonly<Record<string, AgentRunner>>) {
    this.names = Object.keys(runners);
    if (this.names.length === 0) throw new Error('ClusterAgents needs at least one runner');
  }

  clusters(): string[] {
    return [...this.names];
  }

  status(opts: { cluster?: string } = {}): AgentStatusWithClusters {
    const name = opts.cluster ?? this.names[0]!;
    return { ...this.runner(name).status(), clusters: this.names.map((n) => summary(n, this.runners[n]!)) };
  }

  async runCycleJson(opts: { dryRun: boolean; trigger: string; cluster?: string }): Promise<CycleRun> {
    if (opts.cluster !== undefined) return this.runner(opts.cluster).runCycleJson(opts);
    // Side by side: an unreachable cluster's cycle fails on its own request timeouts, the others' answers are whole.
    const cycles = await Promise.all(this.names.map(async (cluster) => ({ cluster, ...(await this.runners[cluster]!.runCycleJson(opts)) })));
    return { ...union(cycles), clusters: cycles };
  }

  trigger(reason: string): void {
    for (const r of Object.values(this.runners)) r.trigger(reason);
  }

  private runner(name: string): AgentRunner {
    const r = this.runners[name];
    if (!r)
      throw new ServiceError('invalid', `the agent runs no loop for cluster "${name.slice(0, 100)}"; its clusters: ${this.names.join(', ')} (agent.clusters)`);
    return r;
  }
}

function summary(cluster: string, runner: AgentRunner): ClusterRunner {
  const s = runner.status();
  const last = s.lastCycle;
  return {
    cluster,
    // Filled in by agent_status from the cluster registry's probe (cached, bounded): status() stays synchronous.
    reachable: null,
    running: s.running,
    leader: s.leader,
    identity: s.identity,
    dryRun: s.dryRun,
    cycles: s.cycles,
    lastCycleAt: last?.at ?? null,
    lastCycleMs: last ? Math.round(last.wallMs) : null,
    lastSkipped: last?.skipped ?? null,
    lastError: last?.error ?? null,
    findings: last?.findings.length ?? 0,
    actions: last?.results.length ?? 0,
    openIncidents: s.openIncidents.length,
  };
}

/** The cycles of several clusters as one: lists joined, errors and skips named by cluster. */
function union(cycles: (CycleJson & { cluster: string })[]): CycleJson {
  const named = (pick: (c: CycleJson) => string | undefined) =>
    cycles.flatMap((c) => (pick(c) === undefined ? [] : [`${c.cluster}: ${pick(c)}`])).join('; ') || undefined;
  const skipped = cycles.every((c) => c.skipped !== undefined) ? named((c) => c.skipped) : undefined;
  const error = named((c) => c.error);
  const withIncidents = cycles.filter((c) => c.incidents);
  return {
    cycle: Math.max(...cycles.map((c) => c.cycle)),
    mode: cycles[0]!.mode,
    trigger: cycles[0]!.trigger,
    at: cycles.map((c) => c.at).sort()[0]!,
    wallMs: Math.max(...cycles.map((c) => c.wallMs)),
    ...(skipped ? { skipped } : {}),
    ...(error ? { error } : {}),
    findings: cycles.flatMap((c) => c.findings),
    decisions: cycles.flatMap((c) => c.decisions),
    results: cycles.flatMap((c) => c.results),
    incidents: withIncidents.length
      ? {
          opened: withIncidents.flatMap((c) => c.incidents!.opened),
          resolved: withIncidents.flatMap((c) => c.incidents!.resolved),
          escalated: withIncidents.flatMap((c) => c.incidents!.escalated),
          failed: withIncidents.flatMap((c) => c.incidents!.failed),
        }
      : null,
  };
}
