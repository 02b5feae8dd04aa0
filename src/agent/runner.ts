/**
 * The agent runner: the thin loop around the pure core.
 *   monitor (agent_observation; the focused deployments) → analyze → observe (history) → decide → act (tool calls) → verify → incidents → log
 * every intervalSeconds of the injected clock, and at once when something asks (`trigger`: a watch event, an
 * alert, the agent_run_cycle tool). Cycles never overlap: a trigger during a cycle runs one more right after it.
 * With a leader elector, only the leader runs cycles; the lease is checked again just before acting.
 */
import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../base/log.js';
import { act, type ActionResult, type AgentMode, gate } from './act.js';
import { assess } from '../policy/assess.js';
import type { AgentControl, AgentStatus, CycleJson } from '../ports/agent-control.js';
import { decide } from '../policy/decide.js';
import { type Decision, hold } from '../policy/decision.js';
import type { Finding } from '../policy/findings.js';
import { type History, emptyHistory, historyFromJSON, historyToJSON, observe, recordActions } from '../policy/history.js';
import { agentStateTool } from '../../tools/agent-state.js';
import { type HoldNote, type IncidentChanges, IncidentTracker, type PendingIntent } from './incidents.js';
import { reconcileIntent } from './reconcile.js';
import { killPoint } from './test-hooks.js';
import type { TOOL_FOR, ToolName } from '../policy/decision.js';
import { Monitor, type Observed } from './monitor.js';
import { type DeploymentView, type Observation, deploymentKey } from '../policy/observation.js';
import { type AgentPolicy, type PolicyName, policyFromConfig, policyPreset } from '../policy/settings.js';
import { gatherEvidence } from './evidence.js';
import { checkOverload } from './scaling-check.js';
import { formatCycleSummary } from './summary.js';
import type { ToolClient } from './tool-client.js';

/** act: change the cluster; dry-run: recommend only (recorded as "would have done"); plan: answer only, record nothing. */
export type CycleMode = 'act' | 'dry-run' | 'plan';

export interface ObservationSummary {
  deployments: { key: string; replicas: number; ready: number; cpuUtilization?: number; memoryUtilization?: number; image?: string }[];
  pods: number;
  readyPods: number;
  /** Deployments the policy looked at this cycle; the others were quiet (focus.ts). */
  focused?: number;
  nodes: number;
  readyNodes: number;
  metricsAvailable: boolean;
  /** Over all measured pods: total usage / total request. */
  cpuUtilization?: number;
  memoryUtilization?: number;
}

export interface CycleReport {
  cycle: number;
  trigger: string;
  mode: CycleMode;
  /** Injected clock, epoch ms. */
  startedAt: number;
  /** Wall time the cycle took (a measurement, not logic). */
  wallMs: number;
  skipped?: string;
  error?: string;
  observation?: ObservationSummary;
  findings: Finding[];
  decisions: Decision[];
  results: ActionResult[];
  incidents?: IncidentChanges;
  /** The first cycle after start or after becoming leader: what was taken over from the store. */
  resumed?: ResumeReport;
}

export interface ResumeReport {
  /** open incidents continued */
  adopted: string[];
  /** intents left pending by an earlier process, settled from the cluster state */
  reconciled: { incident: string; entry: number; tool: string; happened: boolean; detail: string }[];
  /** whether a persisted history was loaded (and its version) */
  history: { loaded: boolean; version: number };
  errors: string[];
}

export interface LeaderCheck {
  isLeader(): boolean;
  readonly identity: string;
}

export interface AgentRunnerOptions {
  client: ToolClient;
  clock: Clock;
  logger: Logger;
  policy: AgentPolicy;
  intervalSeconds: number;
  /** Empty = all namespaces. */
  namespaces: string[];
  dryRun: boolean;
  /** agent.mode: approve / recommend propose decisions (propose_plan) before acting; default autonomous. */
  mode?: AgentMode;
  leader?: LeaderCheck;
  /** Where the readable summary goes (default stderr); null for none. */
  summary?: ((text: string) => void) | null;
  /** Own metrics (src/observability): one observation per cycle. */
  metrics?: { recordAgentCycle(seconds: number, ok: boolean): void };
  onCycle?: (r: CycleReport) => void;
  /**
   * Triggered cycles start at least this long after the previous cycle started (default 5 s): a crash-looping
   * ReplicaSet of 100 pods is a stream of events, and the cluster should not be listed once per event.
   */
  minTriggerGapMs?: number;
  /**
   * Key of the persisted agent state (History, restart counts) on the server (agent_state tool); replicas that share
   * a lease share it. Default "agent". null: nothing is loaded or saved.
   */
  stateKey?: string | null;
}

/** Runner options from the configuration: the agent section, the safety section's bounds, a named policy. */
export function runnerOptionsFromConfig(
  config: Config,
  policyName: PolicyName = 'sentinelops',
): Pick<AgentRunnerOptions, 'policy' | 'intervalSeconds' | 'namespaces' | 'dryRun' | 'mode'> {
  const policy = policyPreset(policyName, policyFromConfig(config));
  const namespaces = config.agent.namespaces.length ? config.agent.namespaces : [config.cluster.defaultNamespace];
  return { policy, intervalSeconds: config.agent.intervalSeconds, namespaces, dryRun: config.agent.dryRun || config.safety.dryRun, mode: config.agent.mode };
}

export class AgentRunner implements AgentControl {
  private history: History = emptyHistory();
  private readonly monitor: Monitor;
  private readonly incidents: IncidentTracker;
  private cycles = 0;
  private last: CycleReport | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: TimerHandle | undefined;
  private checkTimer: TimerHandle | undefined;
  private started = false;
  private pendingTrigger: string | undefined;
  private busy = false;
  private lastStartedAt: number | undefined;
  /** A triggered cycle is already scheduled: later triggers join it. */
  private triggerScheduled = false;
  /** Incidents, intents and history were taken over from the store (again after any time not leading). */
  private resumed = false;
  /** Version of the persisted state this runner last loaded or saved (optimistic concurrency). */
  private stateVersion: number | undefined;

  constructor(private readonly o: AgentRunnerOptions) {
    this.monitor = new Monitor(o.client, { namespaces: o.namespaces });
    this.incidents = new IncidentTracker(o.client);
  }

  get historySnapshot(): History {
    return this.history;
  }

  get lastReport(): CycleReport | undefined {
    return this.last;
  }

  /** Runs one cycle after any cycle in progress. */
  runCycle(opts: { mode?: CycleMode; trigger?: string } = {}): Promise<CycleReport> {
    const run = this.queue.then(() => this.cycle(opts.mode ?? (this.o.dryRun ? 'dry-run' : 'act'), opts.trigger ?? 'manual'));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the periodic loop: a cycle now, then every intervalSeconds (of the injected clock). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0, 'interval');
    this.scheduleCheck();
  }

  /** Between cycles: a cycle now if a deployment needs more replicas (scaling-check.ts), else undefined. */
  overloadCheck(): Promise<string | undefined> {
    return checkOverload(this.o.client, this.o.namespaces, this.o.policy);
  }

  /** Every overloadCheckSeconds, unless a cycle ran or is due within that time: a cycle at once when one is overloaded. */
  private scheduleCheck(): void {
    const everyMs = this.o.policy.scaling.overloadCheckSeconds * 1000;
    if (everyMs <= 0) return;
    this.checkTimer = this.o.clock.setTimeout(async () => {
      const now = this.o.clock.now();
      const recent = this.lastStartedAt !== undefined && now - this.lastStartedAt < everyMs;
      if (this.started && !this.busy && !this.triggerScheduled && !recent && this.leading()) {
        const why = await this.overloadCheck().catch(() => undefined);
        if (why) this.trigger(`overload: ${why}`);
      }
      if (this.started) this.scheduleCheck();
    }, everyMs);
  }

  /** A cycle as soon as possible (coalesced: many triggers during one cycle make one more cycle). */
  trigger(reason: string): void {
    if (!this.started) return;
    if (this.busy) {
      this.pendingTrigger ??= reason;
      return;
    }
    if (this.triggerScheduled) return;
    this.schedule(this.triggerDelay(), reason);
  }

  private triggerDelay(): number {
    const gap = this.o.minTriggerGapMs ?? 5000;
    return this.lastStartedAt === undefined ? 0 : Math.max(0, this.lastStartedAt + gap - this.o.clock.now());
  }

  async stop(): Promise<void> {
    this.started = false;
    this.o.clock.clearTimeout(this.timer);
    this.o.clock.clearTimeout(this.checkTimer);
    this.timer = undefined;
    this.checkTimer = undefined;
    await this.queue;
  }

  private schedule(delayMs: number, trigger: string): void {
    this.o.clock.clearTimeout(this.timer);
    this.triggerScheduled = trigger !== 'interval';
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      this.triggerScheduled = false;
      this.busy = true;
      void this.runCycle({ trigger }).finally(() => {
        this.busy = false;
        if (!this.started) return;
        const next = this.pendingTrigger;
        this.pendingTrigger = undefined;
        if (next) this.schedule(this.triggerDelay(), next);
        else this.schedule(this.o.intervalSeconds * 1000, 'interval');
      });
    }, delayMs);
  }

  private leading(): boolean {
    return this.o.leader?.isLeader() ?? true;
  }

  private async cycle(mode: CycleMode, trigger: string): Promise<CycleReport> {
    const t0 = performance.now();
    const now = this.o.clock.now();
    if (mode !== 'plan') this.lastStartedAt = now;
    const report: CycleReport = { cycle: ++this.cycles, trigger, mode, startedAt: now, wallMs: 0, findings: [], decisions: [], results: [] };
    try {
      if (mode !== 'plan' && !this.leading()) {
        report.skipped = `not the leader (${this.o.leader?.identity ?? 'this runner'} waits for the lease)`;
        // Whoever leads meanwhile changes incidents and history: taken over afresh when this runner leads again.
        this.resumed = false;
      } else {
        if (mode !== 'plan' && !this.resumed) report.resumed = await this.resume();
        await this.think(report, mode, now);
      }
    } catch (err) {
      report.error = (err as Error)?.message ?? String(err);
      this.o.logger.error({ err, cycle: report.cycle }, 'agent cycle failed');
    }
    report.wallMs = performance.now() - t0;
    if (mode !== 'plan') this.last = report;
    this.o.metrics?.recordAgentCycle(report.wallMs / 1000, report.error === undefined);
    this.log(report);
    this.o.onCycle?.(report);
    return report;
  }

  private async think(report: CycleReport, mode: CycleMode, now: number): Promise<void> {
    const { policy } = this.o;
    const seen = await this.monitor.observe(now, { history: this.history, policy });
    const { obs } = seen;
    report.observation = summarize(seen);
    const findings = assess(obs, this.history, now, policy);
    const observed = keepQuiet(this.history, observe(this.history, obs, findings, now), seen.quiet, now);
    const decisions = await gatherEvidence(this.o.client, decide(findings, obs, policy, observed, now));
    report.findings = findings;
    report.decisions = decisions;
    if (mode === 'act' && !this.leading()) {
      // Lost the lease while thinking: whoever holds it now acts; this runner must not.
      report.skipped = 'lost the leader lease before acting';
      return;
    }
    if (mode === 'plan') {
      report.results = await act(this.o.client, decisions, { dryRun: true, now: () => this.o.clock.now() });
      return;
    }
    // Written down before anything is done: incidents opened or resolved, each intent and each hold.
    const changes = await this.incidents.prepare({ findings, decisions, now });
    // agent.mode approve / recommend: decisions a person must decide become plans first, and get no intent.
    const { free, held } =
      mode === 'act' ? await gate(this.o.client, decisions, this.o.mode ?? 'autonomous', () => this.o.clock.now()) : { free: decisions, held: [] };
    // Dry-run records holds but no intents: nothing is about to change.
    const intents = await this.incidents.intend(
      { decisions: mode === 'act' ? free : [], holds: holdsOf(decisions, observed, policy, now), observationOf: (d) => targetState(obs, d) },
      changes,
    );
    if (intents.size > 0) killPoint('intent');
    report.results = [...held, ...(await act(this.o.client, free, { dryRun: mode !== 'act', now: () => this.o.clock.now() }))];
    if (report.results.some((r) => !r.dryRun)) killPoint('action');
    this.history = recordActions(observed, applied(decisions, report.results), now, { allRecommendations: report.trigger === 'interval' });
    if (report.trigger === 'interval') this.history = steadyRecommendations(this.history, seen, policy, now);
    report.incidents = await this.incidents.settle({ decisions, results: report.results, intents }, changes);
    await this.persist();
  }

  /**
   * Takes over from whoever ran before (an earlier process, another replica): the persisted history and restart
   * counts, the open incidents, and the intents they left without a result, each settled from what the cluster
   * shows. Repeats nothing: the next decision is made afresh, under the server's cooldown.
   */
  private async resume(): Promise<ResumeReport> {
    const out: ResumeReport = { adopted: [], reconciled: [], history: { loaded: false, version: 0 }, errors: [] };
    if (this.o.stateKey !== null) {
      const st = await this.o.client.call(agentStateTool, { key: this.o.stateKey ?? 'agent' });
      if (st.ok) {
        this.stateVersion = st.value.version;
        out.history.version = st.value.version;
        const doc = st.value.document;
        const history = doc ? historyFromJSON(doc.history) : undefined;
        if (history) {
          this.history = history;
          out.history.loaded = true;
        }
        const monitor = doc?.monitor;
        if (monitor && typeof monitor === 'object') this.monitor.restore(monitor as Parameters<Monitor['restore']>[0]);
      } else {
        // A server without the tool (older version) or a store error: the agent runs, starting blind as before.
        out.errors.push(`agent_state: ${st.error}`);
      }
    }
    const adopted = await this.incidents.adopt();
    out.adopted = adopted.adopted.map((i) => i.id);
    if (adopted.error) out.errors.push(adopted.error);
    const changes: IncidentChanges = { opened: [], resolved: [], escalated: [], failed: [], errors: [] };
    for (const p of adopted.pending) {
      const verdict = await reconcileIntent(this.o.client, p);
      if (!verdict) {
        out.errors.push(`could not read the cluster to reconcile ${p.incident.id} entry ${p.entry}`);
        continue;
      }
      if (await this.incidents.reconcile(p, verdict.ok, verdict.detail, changes)) {
        out.reconciled.push({ incident: p.incident.id, entry: p.entry, tool: p.tool, happened: verdict.ok, detail: verdict.detail });
        // A change that did happen is part of the history the policy reasons on (backoffs, rate limits).
        if (verdict.ok) this.history = recordActions(this.history, [intentDecision(p)], p.at);
      }
    }
    out.errors.push(...changes.errors);
    this.resumed = adopted.error === undefined;
    if (out.adopted.length || out.reconciled.length || out.errors.length) this.o.logger.info({ resumed: out }, 'agent took over');
    return out;
  }

  /** Saves the history and restart counts; a save another writer overtook makes the next cycle load theirs. */
  private async persist(): Promise<void> {
    if (this.o.stateKey === null) return;
    const document = { history: historyToJSON(this.history), monitor: this.monitor.memory() };
    const r = await this.o.client.call(agentStateTool, {
      key: this.o.stateKey ?? 'agent',
      save: { document: document as unknown as Record<string, unknown>, expectedVersion: this.stateVersion },
    });
    if (!r.ok) {
      this.o.logger.warn({ error: r.error }, 'agent state not saved');
      return;
    }
    if (r.value.saved) this.stateVersion = r.value.version;
    else {
      this.o.logger.warn({ version: r.value.version, had: this.stateVersion }, 'agent state was saved by another writer: taking it over at the next cycle');
      this.resumed = false;
    }
  }

  private log(r: CycleReport): void {
    const acted = r.results.map((a) => ({ tool: a.tool, arguments: a.arguments, ok: a.ok, dryRun: a.dryRun, message: a.message }));
    this.o.logger.info(
      {
        cycle: r.cycle,
        trigger: r.trigger,
        mode: r.mode,
        wallMs: Math.round(r.wallMs),
        skipped: r.skipped,
        error: r.error,
        findings: r.findings.map((f) => ({ type: f.type, severity: f.severity, namespace: f.namespace, target: f.target })),
        actions: acted,
        incidents: r.incidents && {
          opened: r.incidents.opened.map((i) => i.id),
          resolved: r.incidents.resolved.map((i) => i.id),
          escalated: r.incidents.escalated.map((i) => i.id),
        },
      },
      'agent cycle',
    );
    const sink = this.o.summary === undefined ? (t: string) => process.stderr.write(`${t}\n`) : this.o.summary;
    sink?.(formatCycleSummary(r));
  }

  status(): AgentStatus {
    return {
      running: this.started,
      leader: this.leading(),
      identity: this.o.leader?.identity ?? 'agent',
      policy: this.o.policy.name,
      dryRun: this.o.dryRun,
      intervalSeconds: this.o.intervalSeconds,
      namespaces: [...this.o.namespaces],
      cycles: this.cycles,
      lastCycle: this.last ? cycleJson(this.last) : null,
      openIncidents: this.incidents.list().map((i) => ({
        id: i.id,
        type: i.type,
        namespace: i.namespace,
        target: i.target,
        severity: i.severity,
        outcome: i.outcome,
        detectedAt: new Date(i.detectedAt).toISOString(),
      })),
    };
  }

  async runCycleJson(opts: { dryRun: boolean; trigger: string }): Promise<CycleJson> {
    return cycleJson(await this.runCycle({ mode: opts.dryRun ? 'plan' : this.o.dryRun ? 'dry-run' : 'act', trigger: opts.trigger }));
  }
}

/** Non-actions that are not routine: held back by a guardrail of the policy, worth a line on the incident. */
const ROUTINE = new Set(['WithinThresholds', 'NoMetrics', 'ReadyForNewScale', 'DesiredWithinRange', 'DesiredWithinRate', 'Calculated']);
/**
 * Load findings that are incidents once confirmed. A routine reason not to scale is still news on such an incident
 * ("stays at 3: utilization over 2 ready pods → 3"): without it a confirmed overload shows no decision at all.
 */
const LOAD_INCIDENTS = new Set<string>(['cpu_overload', 'memory_pressure']);

export function holdsOf(decisions: readonly Decision[], history: History, policy: AgentPolicy, now: number): HoldNote[] {
  return decisions
    .filter((d) => d.action === 'none' && (!ROUTINE.has(d.reason) || (d.findingType !== undefined && LOAD_INCIDENTS.has(d.findingType))))
    .map((d) => ({ decision: d, message: d.reason === 'ScaleDownStabilized' ? stabilizedMessage(d, history, policy, now) : d.message }));
}

/** "scale-down stabilized until <time>": when the recommendation that holds the size leaves the window. */
function stabilizedMessage(d: Decision, history: History, policy: AgentPolicy, now: number): string {
  const windowMs = policy.scaling.scaleDown.stabilizationWindowSeconds * 1000;
  const holding = d.scaling?.steps.stabilize.value;
  const recs = (history.recommendations[`${d.namespace}/${d.target}`] ?? []).filter(
    (r) => r.at > now - windowMs && holding !== undefined && r.replicas >= holding,
  );
  const last = recs.at(-1);
  const until = last ? new Date(last.at + windowMs).toISOString() : undefined;
  return until ? `scale-down stabilized until ${until}: ${d.message}` : d.message;
}

/** The target as an intent records it: what a successor compares the cluster with. */
function targetState(obs: Observation, d: Decision): Record<string, unknown> | undefined {
  const dep = obs.deployments.find((x) => x.namespace === d.namespace && (x.name === d.target || x.name === d.arguments?.deployment));
  if (!dep) return undefined;
  const revision = dep.revision === undefined ? undefined : Number(dep.revision);
  return {
    deployment: `${dep.namespace}/${dep.name}`,
    replicas: dep.replicas,
    readyReplicas: dep.readyReplicas,
    ...(revision !== undefined && Number.isFinite(revision) ? { revision } : {}),
  };
}

const ACTION_OF: Record<ToolName, keyof typeof TOOL_FOR> = {
  scale_deployment: 'scale',
  restart_deployment: 'restart',
  delete_pod: 'delete_pod',
  rollback_deployment: 'rollback',
};

/** A reconciled intent as the decision it carried out, for the history. */
function intentDecision(p: PendingIntent): Decision {
  const a = p.arguments;
  return {
    action: ACTION_OF[p.tool as ToolName] ?? 'restart',
    tool: p.tool as ToolName,
    arguments: a,
    reason: 'Reconciled',
    message: `reconciled ${p.tool}`,
    kind: p.tool === 'delete_pod' ? 'pod' : 'deployment',
    namespace: String(a.namespace ?? p.incident.namespace),
    target: String(a.deployment ?? p.incident.target),
    findingType: p.incident.type as Decision['findingType'],
    severity: p.incident.severity,
  };
}

/** What history should believe happened: a call the server refused did not happen (its scaling trace stays). */
function applied(decisions: readonly Decision[], results: readonly ActionResult[]): Decision[] {
  return decisions.map((d) => {
    const r = results.find((x) => x.decision === d);
    if (r?.heldAsPlan !== undefined) return hold(d, 'AwaitingApproval', r.message);
    return r && !r.ok ? hold(d, 'ActionRefused', `the server refused: ${r.message}`) : d;
  });
}

function summarize(seen: Observed): ObservationSummary {
  const { overview } = seen;
  let cpu = 0;
  let cpuReq = 0;
  let mem = 0;
  let memReq = 0;
  for (const { metrics: m } of overview.deployments) {
    if (!m) continue;
    cpu += m.cpuMillicores;
    cpuReq += m.cpuRequestMillicores;
    mem += m.memoryBytes ?? 0;
    memReq += m.memoryRequestBytes ?? 0;
  }
  return {
    deployments: overview.deployments.map(({ view: d, metrics: m }) => ({
      key: deploymentKey(d),
      replicas: d.replicas,
      ready: d.readyReplicas,
      cpuUtilization: m?.cpuUtilization,
      memoryUtilization: m?.memoryUtilization,
      image: d.images[0],
    })),
    pods: overview.pods,
    readyPods: overview.readyPods,
    focused: seen.obs.deployments.length,
    nodes: seen.obs.nodes.length,
    readyNodes: seen.obs.nodes.filter((n) => n.ready).length,
    metricsAvailable: seen.obs.metricsAvailable,
    cpuUtilization: cpuReq > 0 ? (cpu / cpuReq) * 100 : undefined,
    memoryUtilization: memReq > 0 ? (mem / memReq) * 100 : undefined,
  };
}

/**
 * The policy's per-deployment memory of deployments it did not look at this cycle: observe() keeps only what the
 * observation shows, so the first-sight replica counts, learned start-up budgets and ready-since times of quiet
 * deployments are carried over as they were (nothing about them changed; that is what quiet means), and a quiet
 * deployment's revision is its healthy one, as bakeRevisions records for a settled deployment without findings.
 */
function keepQuiet(before: History, after: History, quiet: readonly DeploymentView[], now: number): History {
  if (quiet.length === 0) return after;
  const personsCounts = { ...after.personsCounts };
  const startup = { ...after.startup };
  const healthyRevisions = { ...after.healthyRevisions };
  for (const d of quiet) {
    const key = deploymentKey(d);
    const person = before.personsCounts?.[key];
    if (person && !personsCounts[key]) personsCounts[key] = person;
    const learned = before.startup?.[key];
    if (learned && !startup[key]) startup[key] = learned;
    const known = healthyRevisions[key];
    if (d.revision !== undefined && d.replicas > 0 && (!known || known.revision === d.revision)) healthyRevisions[key] = { revision: d.revision, at: now };
  }
  // Pods are named after their deployment (<deployment>-<hash>-<suffix>): their ready-since times are kept too.
  const prefixes = new Set(quiet.map((d) => `${d.namespace}/${d.name}-`));
  const readySince = { ...after.readySince };
  for (const [pod, since] of Object.entries(before.readySince ?? {})) {
    if (readySince[pod]) continue;
    const cut = pod.lastIndexOf('-', pod.lastIndexOf('-') - 1);
    if (cut > 0 && prefixes.has(pod.slice(0, cut + 1))) readySince[pod] = since;
  }
  return { ...after, personsCounts, startup, healthyRevisions, readySince };
}

/**
 * What decide would have recorded for a quiet deployment on an interval cycle: a recommendation of its current size
 * (quiet means usage inside the tolerance, so the calculation keeps it). The stabilization window then holds the
 * same samples as when every deployment was decided, and a later drop in load is stabilized as before.
 */
function steadyRecommendations(history: History, seen: Observed, policy: AgentPolicy, now: number): History {
  if (policy.scaling.algorithm === 'off' || !seen.obs.metricsAvailable) return history;
  const metrics = new Map(seen.overview.deployments.map(({ view, metrics }) => [deploymentKey(view), metrics]));
  const recommendations = { ...history.recommendations };
  for (const d of seen.quiet) {
    const key = deploymentKey(d);
    const m = metrics.get(key);
    if (d.replicasOwner || d.hpaControlled || d.replicas === 0 || !m || m.podsWithMetrics === 0) continue;
    recommendations[key] = [...(recommendations[key] ?? []), { at: now, replicas: d.replicas }];
  }
  return { ...history, recommendations };
}

export function cycleJson(r: CycleReport): CycleJson {
  return {
    cycle: r.cycle,
    mode: r.mode,
    trigger: r.trigger,
    at: new Date(r.startedAt).toISOString(),
    wallMs: Math.round(r.wallMs),
    ...(r.skipped ? { skipped: r.skipped } : {}),
    ...(r.error ? { error: r.error } : {}),
    findings: r.findings.map((f) => ({ type: f.type, severity: f.severity, namespace: f.namespace ?? null, target: f.target, message: f.message })),
    decisions: r.decisions.map((d) => ({
      action: d.action,
      tool: d.tool ?? null,
      arguments: d.arguments ?? null,
      reason: d.reason,
      message: d.message,
      namespace: d.namespace ?? null,
      target: d.target,
      severity: d.severity,
    })),
    results: r.results.map((a) => ({ tool: a.tool, arguments: a.arguments, ok: a.ok, dryRun: a.dryRun, message: a.message })),
    incidents: r.incidents
      ? {
          opened: r.incidents.opened.map((i) => i.id),
          resolved: r.incidents.resolved.map((i) => i.id),
          escalated: r.incidents.escalated.map((i) => i.id),
          failed: r.incidents.failed.map((i) => i.id),
        }
      : null,
  };
}
