/**
 * How risky a change is, from the action and its blast radius (not from the tool name alone). Pure: the
 * caller supplies what it read (the plan's blast radius, ready replicas, the namespace's label, the budget).
 *
 * - high: a rollback (the pod template of every pod changes to an older one); deleting the last ready pod;
 *   anything in a namespace labelled critical; a replica delta above 50 % of the current size (either way);
 *   a restart with fewer than 2 ready replicas or taking more pods down at once than the
 *   disruption budget (safety.maxDisruptedShare); a tool this
 *   table does not know.
 * - medium: a scale down (≤ 50 %); a restart of a deployment with ≥ 2 ready replicas within the budget;
 *   deleting one pod while others are ready.
 * - low: a scale up within the replica bounds by at most 50 %.
 *
 * Rules are checked high first, so a scale up 2 → 6 is high (a 200 % delta), 4 → 5 is low.
 */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface RiskInput {
  tool: string;
  /** replicas of the deployment before the change (null: no deployment) */
  replicas: number | null;
  /** ready replicas before the change */
  readyReplicas: number;
  replicaDelta: number;
  podsRestarting: number;
  podsRemoved: number;
  /**
   * share of the pods unavailable at once while the change runs: for a rolling restart maxUnavailable /
   * replicas (a Recreate strategy: 1), for a pod deletion 1 / replicas
   */
  shareUnavailable: number;
  /** safety.maxDisruptedShare */
  maxDisruptedShare: number;
  /** the new size is within safety.minReplicas..maxReplicas */
  withinBounds: boolean;
  /** the namespace carries the critical label */
  criticalNamespace: boolean;
}

export interface Risk {
  level: RiskLevel;
  reasons: string[];
}

export function riskAtLeast(level: RiskLevel, min: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(min);
}

export function assessRisk(i: RiskInput): Risk {
  const high: string[] = [];
  if (i.criticalNamespace) high.push('the namespace is labelled critical');
  const ratio = i.replicas ? Math.abs(i.replicaDelta) / i.replicas : i.replicaDelta === 0 ? 0 : Number.POSITIVE_INFINITY;
  if (i.tool === 'scale_deployment' && ratio > 0.5)
    high.push(`replica delta ${i.replicaDelta >= 0 ? '+' : ''}${i.replicaDelta} is more than 50 % of ${i.replicas ?? 0}`);
  switch (i.tool) {
    case 'rollback_deployment':
      high.push('a rollback replaces the pod template of every pod');
      break;
    case 'delete_pod':
      if (i.readyReplicas <= 1) high.push('it may delete the last ready pod');
      break;
    case 'restart_deployment':
      if (i.readyReplicas < 2) high.push(`only ${i.readyReplicas} ready replica(s): a restart may leave none serving`);
      else if (i.maxDisruptedShare < 1 && i.shareUnavailable > i.maxDisruptedShare)
        high.push(`disrupts ${Math.round(i.shareUnavailable * 100)} % of the pods, above the ${Math.round(i.maxDisruptedShare * 100)} % budget`);
      break;
    case 'scale_deployment':
      if (!i.withinBounds) high.push('the new size is outside the replica bounds');
      break;
    default:
      high.push(`${i.tool} is not a change this table knows`);
  }
  if (high.length) return { level: 'high', reasons: high };
  if (i.tool === 'scale_deployment' && i.replicaDelta > 0) return { level: 'low', reasons: [`scale up by ${i.replicaDelta} within bounds`] };
  if (i.tool === 'scale_deployment' && i.replicaDelta === 0) return { level: 'low', reasons: ['no change in size'] };
  if (i.tool === 'scale_deployment') return { level: 'medium', reasons: [`scale down by ${-i.replicaDelta}: pods go away`] };
  if (i.tool === 'restart_deployment')
    return { level: 'medium', reasons: [`restart of ${i.podsRestarting} pod(s) with ${i.readyReplicas} ready, within the disruption budget`] };
  return { level: 'medium', reasons: [`deletes one pod while ${i.readyReplicas - 1} other(s) are ready`] };
}
