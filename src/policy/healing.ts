/**
 * Healing decisions, one finding at a time. The rule of thumb of an on-call engineer: roll back a change that
 * just broke a healthy service; restart only what a restart can fix, once, then back off and call a human; never
 * delete what the scheduler cannot place; never touch pods whose node is the problem.
 */
import { type Decision, withTool } from './decision.js';
import { type Finding, incidentKey, raiseSeverity, targetKey } from './findings.js';
import { type History, actionsOn, readyForMs } from './history.js';
import { type Observation, type PodView, isTerminating, podsOf } from './observation.js';
import type { AgentPolicy } from './settings.js';
import { memoryScalingFailed } from './scaling.js';
import { isoAt } from '../base/iso.js';

type Base = Omit<Decision, 'action' | 'reason' | 'message'>;

/** A leaking pod is replaced only once its memory is at least this share of its limit. */
const LEAK_REPLACE_MIN_SHARE = 0.7;
/** Leaking pods replaced in one cycle, as a share of the deployment (a rolling update's default maxUnavailable). */
const LEAK_REPLACE_BATCH_SHARE = 0.25;

/** ReplicaSet creation times have whole seconds: a revision created up to this long after our restart is the restart's. */
const OWN_ROLLOUT_SLACK_MS = 5000;

function baseOf(f: Finding): Base {
  return { kind: f.kind, namespace: f.namespace, target: f.target, findingType: f.type, severity: f.severity };
}

export function decideHealing(f: Finding, obs: Observation, policy: AgentPolicy, history: History, now: number): Decision[] {
  if (policy.healing.mode === 'off') return [];
  if (policy.healing.mode === 'seed') return seedHealing(f);
  const ctx = new Ctx(f, policy, history, now);
  switch (f.type) {
    case 'crash_loop':
      if (f.kind !== 'deployment')
        return [ctx.escalateOnce('BarePodCrashLoop', `bare pod ${ctx.key} is crash looping and no controller would recreate it: needs a human`)];
      {
        const rb = ctx.rollbackIfBadRollout(obs);
        if (rb) return [rb];
        return ctx.recoveryAssist(obs) ?? [ctx.restartWithBackoff(obs)];
      }
    case 'image_pull_error':
      if (f.kind === 'deployment') {
        const rb = ctx.rollbackIfBadRollout(obs);
        if (rb) return [rb];
      }
      return [
        ctx.escalateOnce(
          'ImagePullNeedsHuman',
          `${f.message}; not a new rollout with a healthy previous revision, and restarting cannot fetch an image: check the image name, tag and pull credentials`,
        ),
      ];
    case 'oom_killed':
      if (f.kind === 'deployment') {
        const rb = ctx.rollbackIfBadRollout(obs);
        if (rb) return [rb];
      }
      return [ctx.escalateOnce('OomNeedsMoreMemory', `${f.message}`)];
    case 'memory_leak':
      return ctx.replaceLeakingPod(obs);
    case 'bad_rollout': {
      const rb = ctx.rollbackIfBadRollout(obs, true);
      return [rb ?? ctx.escalateOnce('RolloutStalled', `${f.message}; no healthy previous revision is known, so rolling back is not safe`)];
    }
    case 'unschedulable':
      return [ctx.escalateOnce('NeedsCapacity', `${f.message}. Pending pods are never deleted: add capacity or lower the requests`)];
    case 'stuck_creating':
      return ctx.deleteStuckPods();
    case 'node_not_ready':
      return [ctx.escalateOnce('NodeNotReady', `${f.message}; pods on it are not restarted or deleted (that would only thrash)`)];
    case 'metrics_unavailable':
      return [ctx.escalateOnce('MetricsPipelineDown', f.message)];
    case 'replicas_unavailable': {
      if (Number(f.evidence.onNotReadyNodes ?? 0) > 0)
        return [ctx.none('NodeNotReady', `${f.message}; some pods sit on a NotReady node, which the node controller handles`)];
      const open = history.incidents[incidentKey(f)];
      if (open && now - open.openedAt >= policy.healing.unavailableGraceSeconds * 1000) {
        return [ctx.escalateOnce('UnavailableTooLong', `${f.message} for ${Math.round((now - open.openedAt) / 1000)}s with no known cause`)];
      }
      return [ctx.none('Watching', `${f.message}; waiting for the controllers to converge`)];
    }
    case 'pod_crashed':
      return [ctx.none('KubeletRestarts', `${f.message}; watching for a crash loop`)];
    case 'memory_pressure': {
      const m = obs.metrics[targetKey(f)];
      if (m && memoryScalingFailed(history, targetKey(f), m.memoryUtilization, now, policy.healing.actionWindowSeconds)) {
        return [ctx.escalateOnce('MemoryLeakSuspected', `${f.message}, and it did not drop after scaling up: likely a leak or a limit too low`)];
      }
      return [];
    }
    case 'cpu_overload':
    case 'cpu_underload':
      // The scaling decision answers these.
      return [];
  }
}

/** The seed's healer: restart on every crash, force-restart (delete) every Pending pod. A baseline, not advice. */
function seedHealing(f: Finding): Decision[] {
  const base = baseOf(f);
  if (f.kind !== 'deployment') return [];
  if (f.type === 'crash_loop' || f.type === 'image_pull_error' || f.type === 'oom_killed') {
    return [withTool({ ...base, action: 'restart', reason: 'SeedRestart', message: `restart ${targetKey(f)}: ${f.message}` })];
  }
  if (f.type === 'unschedulable' || f.type === 'stuck_creating') {
    return (f.pods ?? []).map((pod) =>
      withTool({ ...base, action: 'delete_pod', reason: 'SeedForceRestart', message: `delete pod ${f.namespace}/${pod}: ${f.message}` }, { pod }),
    );
  }
  return [];
}

class Ctx {
  readonly key: string;
  constructor(
    readonly f: Finding,
    readonly policy: AgentPolicy,
    readonly history: History,
    readonly now: number,
  ) {
    this.key = targetKey(f);
  }

  /** The finding's deployment as this cycle observed it. */
  private deploymentIn(obs: Observation) {
    return obs.deployments.find((x) => x.namespace === this.f.namespace && x.name === this.f.target);
  }

  none(reason: string, message: string): Decision {
    return { ...baseOf(this.f), action: 'none', reason, message };
  }

  /** One escalation per incident; later cycles record that it is already with a human. */
  escalateOnce(reason: string, message: string, severity = this.f.severity): Decision {
    const inc = this.history.incidents[incidentKey(this.f)];
    if (inc && inc.escalations > 0)
      return this.none('AlreadyEscalated', `${message} (escalated ${Math.round((this.now - (inc.lastEscalatedAt ?? this.now)) / 1000)}s ago)`);
    return { ...baseOf(this.f), severity, action: 'escalate', reason, message };
  }

  private mutatingInWindow(): number {
    return actionsOn(this.history, this.key, this.now - this.policy.healing.actionWindowSeconds * 1000, ['restart', 'delete_pod', 'rollback']).length;
  }

  /**
   * Roll back when the failing pods belong to a revision that rolled out recently and the previous revision was
   * seen healthy (by the agent, or by its pods still running ready). One rollback per window: if the rolled-back
   * revision fails too, the problem is not the rollout.
   */
  rollbackIfBadRollout(obs: Observation, stalled = false): Decision | undefined {
    const e = this.f.evidence;
    const d = this.deploymentIn(obs);
    if (!d || d.paused || d.previousRevision === undefined) return undefined;
    // A restart (ours) also makes a new revision; rolling that back would undo the restart, not a bad change.
    if (d.rolloutStartedAt !== undefined && actionsOn(this.history, this.key, d.rolloutStartedAt - OWN_ROLLOUT_SLACK_MS, ['restart']).length > 0)
      return undefined;
    const recent = stalled || e.recentRollout === true;
    const healthy = this.history.healthyRevisions[this.key];
    const previousHealthy = healthy?.revision === d.previousRevision || e.previousRevisionPodsReady === true;
    if (!recent || !previousHealthy) return undefined;
    const win = this.now - this.policy.healing.actionWindowSeconds * 1000;
    const lastRollback = actionsOn(this.history, this.key, win, ['rollback']).at(-1);
    if (lastRollback && this.now - lastRollback.at < this.policy.healing.restartGraceSeconds * 1000) {
      return this.none(
        'AwaitingRollbackEffect',
        `${this.f.message}; rolled back ${Math.round((this.now - lastRollback.at) / 1000)}s ago, waiting for it to take effect`,
      );
    }
    if (lastRollback) {
      return this.escalateOnce(
        'RollbackDidNotHelp',
        `${this.f.message}; a rollback of ${this.key} already happened in the last ${this.policy.healing.actionWindowSeconds}s`,
        raiseSeverity(this.f.severity),
      );
    }
    const evidence =
      healthy?.revision === d.previousRevision
        ? `revision ${d.previousRevision} was healthy at ${isoAt(healthy.at)}`
        : `pods of revision ${d.previousRevision} are still ready`;
    return withTool(
      {
        ...baseOf(this.f),
        action: 'rollback',
        reason: 'BadRollout',
        message: `roll back ${this.key} from revision ${d.revision ?? '?'} to ${d.previousRevision}: ${this.f.message}; ${evidence}`,
      },
      { toRevision: d.previousRevision },
    );
  }

  /** Restart once; if the crash outlives the grace period, escalate; retry only after exponential backoff, within the cap. */
  restartWithBackoff(obs: Observation): Decision {
    const h = this.policy.healing;
    const inc = this.history.incidents[incidentKey(this.f)];
    // Restarts for an earlier incident count while it is recent (a flapping target keeps its backoff); older are forgotten.
    const restarts = actionsOn(this.history, this.key, (inc?.openedAt ?? this.now) - h.backoffMaxSeconds * 1000, ['restart']);
    const last = restarts.at(-1);
    // Crashes right after our own rollback are the bad revision's pods still being replaced: a restart would only
    // disturb the rollout that fixes them.
    const rolledBack = actionsOn(this.history, this.key, this.now - h.restartGraceSeconds * 1000, ['rollback']).at(-1);
    if (rolledBack)
      return this.none(
        'AwaitingRollbackEffect',
        `${this.f.message}; rolled back ${Math.round((this.now - rolledBack.at) / 1000)}s ago, giving it ${h.restartGraceSeconds}s`,
      );
    const restart = (reason: string, why: string) =>
      withTool({ ...baseOf(this.f), action: 'restart', reason, message: `restart ${this.key}: ${this.f.message}${why}` });
    if (!last) {
      if (this.recentChange()) return restart('CrashLoopRestart', '');
      // Escalated for this loop without a restart: that was the shared cause; a pod caught between crashes does not
      // make it a restart case.
      if (inc && inc.escalations > 0) return this.withHumanSharedCause(inc);
      const shared = this.sharedCause(obs);
      if (shared) return this.escalateSharedCause(shared, inc);
      const watchedMs = inc ? this.now - inc.openedAt : 0;
      if (watchedMs < h.crashLoopConfirmSeconds * 1000)
        return this.none(
          'CrashLoopConfirming',
          `${this.f.message}; nothing changed recently: watching ${Math.round((h.crashLoopConfirmSeconds * 1000 - watchedMs) / 1000)}s more whether every pod crashes (a shared cause no restart fixes) before one restart`,
        );
      return restart('CrashLoopRestart', '');
    }
    const since = this.now - last.at;
    if (since < h.restartGraceSeconds * 1000)
      return this.none('AwaitingRestartEffect', `${this.f.message}; restarted ${Math.round(since / 1000)}s ago, giving it ${h.restartGraceSeconds}s`);
    if (!this.recentChange()) return this.afterOnlyRestart(restarts.length, last.at, inc);
    const backoff = Math.min(h.backoffBaseSeconds * 2 ** (restarts.length - 1), h.backoffMaxSeconds);
    const nextAt = last.at + backoff * 1000;
    if (!inc || inc.lastEscalatedAt === undefined || inc.lastEscalatedAt < last.at) {
      return {
        ...baseOf(this.f),
        severity: raiseSeverity(inc?.severity ?? this.f.severity),
        action: 'escalate',
        reason: 'RestartDidNotHelp',
        message: `${this.f.message}; ${restarts.length} restart(s) did not fix it; next attempt no sooner than ${Math.max(0, Math.round((nextAt - this.now) / 1000))}s from now`,
      };
    }
    if (this.mutatingInWindow() >= h.maxActionsPerTarget) {
      return this.none(
        'ActionCapReached',
        `${this.f.message}; ${h.maxActionsPerTarget} actions on ${this.key} within ${h.actionWindowSeconds}s already: waiting for a human`,
      );
    }
    if (this.now < nextAt)
      return this.none('BackingOff', `${this.f.message}; backing off ${Math.round((nextAt - this.now) / 1000)}s more before restart #${restarts.length + 1}`);
    return restart('CrashLoopRestartAfterBackoff', ` (attempt ${restarts.length + 1} after ${backoff}s backoff)`);
  }

  /**
   * Every pod of the deployment is crashing, on more than one node: the cause is shared by all of them and is
   * neither one pod's state nor one node (a dependency, a config or secret, the cluster's DNS). A rolling restart
   * makes identical pods that meet the same cause, disrupts what still serves between crashes and resets the
   * kubelet's back-off; the kubelet retries anyway. Returns the node count, or undefined when a restart may help
   * (some pods healthy, or all on one node, or a single replica that cannot tell).
   */
  private sharedCause(obs: Observation): { pods: number; nodes: number } | undefined {
    const d = this.deploymentIn(obs);
    if (!d) return undefined;
    const pods = podsOf(obs, d).filter((p) => !isTerminating(p));
    if (pods.length < 2) return undefined;
    // A crash-looping pod is ready for a moment between crashes: a fresh termination counts as crashing too.
    const recentMs = this.policy.healing.crashRecentSeconds * 1000;
    const crashing = (p: PodView) => p.reason === 'CrashLoopBackOff' || (p.lastTerminatedAt !== undefined && this.now - p.lastTerminatedAt < recentMs);
    if (!pods.every(crashing)) return undefined;
    const nodes = new Set(pods.map((p) => p.node).filter((n) => n !== undefined));
    return nodes.size > 1 ? { pods: pods.length, nodes: nodes.size } : undefined;
  }

  private withHumanSharedCause(inc: History['incidents'][string]): Decision {
    return this.none(
      'SharedCauseWithHuman',
      `${this.f.message}; every pod crashed on several nodes with no recent change: not restarted, waiting for a human (escalated ${Math.round((this.now - (inc.lastEscalatedAt ?? this.now)) / 1000)}s ago)`,
    );
  }

  private escalateSharedCause(shared: { pods: number; nodes: number }, inc: History['incidents'][string] | undefined): Decision {
    return {
      ...baseOf(this.f),
      severity: raiseSeverity(inc?.severity ?? this.f.severity),
      action: 'escalate',
      reason: 'CrashLoopSharedCause',
      message: `${this.f.message}; all ${shared.pods} pods crash on ${shared.nodes} nodes and nothing changed in the deployment recently, so the cause is shared and outside the pods (a dependency, a config or secret): a restart would make identical pods and reset the kubelet's back-off (last termination: ${String(this.f.evidence.lastTerminationReason ?? 'unknown')})`,
      gather: { pods: (this.f.pods ?? []).slice(0, 2) },
    };
  }

  /** The deployment changed recently, and not by the agent's own restart (which makes a revision too). */
  private recentChange(): boolean {
    const e = this.f.evidence;
    if (e.recentRollout !== true || typeof e.rolloutAgeSeconds !== 'number') return false;
    const startedAt = this.now - e.rolloutAgeSeconds * 1000;
    // A revision our restart made was created within seconds of it (whole-second creation times, apply latency).
    const ours = actionsOn(this.history, this.key, startedAt - OWN_ROLLOUT_SLACK_MS - 1000, ['restart']).filter(
      (a) => a.at <= startedAt + OWN_ROLLOUT_SLACK_MS + 1000,
    );
    return ours.length === 0;
  }

  /**
   * A crash loop with no recent change to the deployment was restarted once and still loops: the cause is outside the
   * pods (a broken dependency, a config or secret, a bad volume), and more restarts only add disruption. Escalate
   * once with the evidence a human needs first — last termination reasons, the previous container's log tail, the
   * pod's recent events (gathered by the runner, Decision.gather) — then wait for that human.
   */
  private afterOnlyRestart(restarts: number, lastAt: number, inc: History['incidents'][string] | undefined): Decision {
    const e = this.f.evidence;
    if (inc?.lastEscalatedAt === undefined || inc.lastEscalatedAt < lastAt) {
      return {
        ...baseOf(this.f),
        severity: raiseSeverity(inc?.severity ?? this.f.severity),
        action: 'escalate',
        reason: 'CrashLoopNeedsHuman',
        message: `${this.f.message}; ${restarts} rolling restart(s) did not help and nothing changed in the deployment recently, so restarting again will not either (last termination: ${String(e.lastTerminationReason ?? 'unknown')})`,
        gather: { pods: (this.f.pods ?? []).slice(0, 2) },
      };
    }
    return this.none(
      'RestartedOnce',
      `${this.f.message}; restarted once already without effect: no further restarts, waiting for a human (escalated ${Math.round((this.now - inc.lastEscalatedAt) / 1000)}s ago)`,
    );
  }

  /**
   * The crash cause is gone when a pod of the crash-looping revision that crashed before has since run ready for
   * recoveryEvidenceSeconds (two checks, no restart between) and no pod of the deployment crashed in that time. The
   * pods still in CrashLoopBackOff would then sit out the kubelet's back-off (up to 300 s) for nothing: delete them
   * so their ReplicaSet starts fresh ones now. Once per incident and within the action cap — it answers a change of
   * state, it is not a retry, so a cause that persists never sees it.
   */
  recoveryAssist(obs: Observation): Decision[] | undefined {
    if (this.f.kind !== 'deployment') return undefined;
    const d = this.deploymentIn(obs);
    if (!d || d.paused) return undefined;
    const h = this.policy.healing;
    const evidenceMs = h.recoveryEvidenceSeconds * 1000;
    const pods = podsOf(obs, d).filter((p) => !isTerminating(p));
    const sameRevision = (p: { revision?: string }) => p.revision === undefined || d.revision === undefined || p.revision === d.revision;
    if (pods.some((p) => p.lastTerminatedAt !== undefined && this.now - p.lastTerminatedAt < evidenceMs)) return undefined;
    const witness = pods.find((p) => sameRevision(p) && p.restarts > 0 && readyForMs(this.history, p, this.now) >= evidenceMs);
    if (!witness) return undefined;
    const inc = this.history.incidents[incidentKey(this.f)];
    const since = (inc?.openedAt ?? this.now) - 1;
    if (actionsOn(this.history, this.key, since, ['delete_pod']).some((a) => a.findingType === 'crash_loop')) return undefined;
    const waiting = pods.filter((p) => p.reason === 'CrashLoopBackOff' && sameRevision(p) && !p.ready).map((p) => p.name);
    const room = Math.max(0, h.maxActionsPerTarget - this.mutatingInWindow());
    if (waiting.length === 0 || room === 0) return undefined;
    const ranFor = Math.round(readyForMs(this.history, witness, this.now) / 1000);
    return waiting.slice(0, room).map((pod) =>
      withTool(
        {
          ...baseOf(this.f),
          action: 'delete_pod',
          reason: 'RecoveryAssist',
          message: `delete pod ${this.f.namespace}/${pod}, waiting out a CrashLoopBackOff: pod ${witness.name} of the same revision crashed before and has run ready for ${ranFor}s, and no pod of ${this.key} crashed for ${h.recoveryEvidenceSeconds}s, so the cause has cleared; its ReplicaSet starts a fresh pod now`,
        },
        { pod },
      ),
    );
  }

  /**
   * A leaking pod close to its memory limit is deleted before the OOM killer gets it: its ReplicaSet starts a fresh
   * one (no kubelet back-off, in-flight work drained by the graceful stop). Nearest the limit first, at most 25 % of
   * the pods per cycle, only when every pod is ready and the rest carry the current CPU load without them, and only
   * when pods last long enough between replacements (leakMinLifetimeSeconds) — a faster leak would make a treadmill,
   * so it is escalated only. Not a retry of anything: each pod is replaced at most once, when it would have died anyway.
   */
  replaceLeakingPod(obs: Observation): Decision[] {
    const h = this.policy.healing;
    const escalation = this.escalateOnce('MemoryLeak', this.f.message);
    const d = this.deploymentIn(obs);
    if (this.f.kind !== 'deployment' || !d || d.paused) return [escalation];
    const leaks = (this.f.evidence.leaks ?? []) as { pod: string; secondsToLimit?: number }[];
    const pods = podsOf(obs, d);
    // A steep climb far from the limit may still level off (a cache warming up): only a pod close to it is replaced.
    const near = (name: string) => {
      const p = pods.find((x) => x.name === name);
      return p?.memoryBytes && p.memoryLimitBytes && p.memoryBytes >= LEAK_REPLACE_MIN_SHARE * p.memoryLimitBytes ? p : undefined;
    };
    const due = leaks
      .filter((l) => l.secondsToLimit !== undefined && l.secondsToLimit <= h.leakReplaceHorizonSeconds && near(l.pod))
      .sort((a, b) => a.secondsToLimit! - b.secondsToLimit!);
    if (due.length === 0) return [escalation];
    const about = (l: { pod: string; secondsToLimit?: number }) =>
      `pod ${this.f.namespace}/${l.pod} reaches its memory limit in about ${Math.round(l.secondsToLimit!)}s`;
    if (pods.some((p) => isTerminating(p) || !p.ready)) {
      return [escalation, this.none('LeakReplacementWaiting', `${about(due[0]!)}; not replaced while another pod of ${this.key} is starting or stopping`)];
    }
    // As many at once as a rolling update takes down by default (25 %, at least one), while the rest carry the load.
    const batch = Math.max(1, Math.floor(pods.length * LEAK_REPLACE_BATCH_SHARE));
    const m = obs.metrics[this.key];
    const out: Decision[] = [escalation];
    let replacing = 0;
    for (const l of due) {
      if (replacing >= batch) break;
      const pod = near(l.pod)!;
      // A container that never restarted started with its pod; after a restart, the agent's first sight of it ready is the best bound.
      const runStart = pod.restarts === 0 ? pod.createdAt : (this.history.readySince?.[`${pod.namespace}/${pod.name}`]?.since ?? pod.createdAt);
      const lifetime = (this.now - runStart) / 1000 + l.secondsToLimit!;
      if (lifetime < h.leakMinLifetimeSeconds) {
        out.push(
          this.none('LeakTooFast', `${about(l)}; pods last about ${Math.round(lifetime)}s, so replacing them would be a restart treadmill: left to a human`),
        );
        break;
      }
      const serving = pods.length - replacing - 1;
      const perPod = pod.cpuLimitMillicores ?? pod.cpuRequestMillicores;
      if (serving === 0 || (m && perPod && m.cpuMillicores > perPod * serving)) {
        out.push(this.none('LeakReplacementUnsafe', `${about(l)}; the other ${serving} pod(s) could not carry the load while it is replaced`));
        break;
      }
      replacing++;
      out.push(
        withTool(
          {
            ...baseOf(this.f),
            action: 'delete_pod',
            reason: 'LeakReplacement',
            message: `delete pod ${this.f.namespace}/${pod.name} before the OOM killer does: ${about(l)}; its ReplicaSet starts a fresh pod while the others serve`,
          },
          { pod: pod.name },
        ),
      );
    }
    return out;
  }

  /** Each stuck pod is deleted once; if replacements get stuck too, deleting is not the cure: escalate. */
  deleteStuckPods(): Decision[] {
    const pods = this.f.pods ?? [];
    if (this.f.kind !== 'deployment') return [this.escalateOnce('StuckBarePod', `${this.f.message}; a bare pod is not deleted (nothing would recreate it)`)];
    const deleted = actionsOn(this.history, this.key, -Infinity, ['delete_pod']);
    const win = this.now - this.policy.healing.actionWindowSeconds * 1000;
    if (deleted.some((a) => a.at > win && a.findingType === 'stuck_creating')) {
      return [
        this.escalateOnce(
          'StuckAfterDelete',
          `${this.f.message}; replacement pods got stuck as well: likely a volume, network or image-store problem on the node`,
          raiseSeverity(this.f.severity),
        ),
      ];
    }
    const fresh = pods.filter((p) => !deleted.some((a) => a.pod === p));
    const room = Math.max(0, this.policy.healing.maxActionsPerTarget - this.mutatingInWindow());
    if (fresh.length === 0 || room === 0) return [this.escalateOnce('StuckAfterDelete', `${this.f.message}; already deleted once`)];
    return fresh.slice(0, room).map((pod) =>
      withTool(
        {
          ...baseOf(this.f),
          action: 'delete_pod',
          reason: 'StuckContainerCreating',
          message: `delete pod ${this.f.namespace}/${pod}, stuck in ContainerCreating beyond ${this.policy.healing.containerCreatingTimeoutSeconds}s; its ReplicaSet replaces it`,
        },
        { pod },
      ),
    );
  }
}
