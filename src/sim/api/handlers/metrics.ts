/**
 * metrics.k8s.io/v1beta1 pods and nodes, served from the simulator's workload model the way
 * metrics-server serves them: get one, list (optionally per namespace) with label and name selectors.
 */
import { ApiError } from '../../errors.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from '../../selectors.js';
import { groupVersion, type KObject, type ResourceType } from '../../types.js';
import { methodNotAllowed, pathNotFound, queryBool, sendJson, type Ctx } from '../http.js';

export function handleMetrics(ctx: Ctx, res: ResourceType, namespace: string | undefined, name: string | undefined, sub: string | undefined): void {
  const { providers } = ctx;
  const source = res.namespaced ? providers.podMetrics && (() => providers.podMetrics!(namespace)) : providers.nodeMetrics && (() => providers.nodeMetrics!());
  if (!source || sub) throw pathNotFound();
  if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
  if (queryBool(ctx.query, 'watch')) throw methodNotAllowed('WATCH');
  const items = source();
  if (name) {
    const found = items.find((o) => o.metadata.name === name && (!namespace || o.metadata.namespace === namespace));
    if (!found) throw ApiError.notFound(res.namespaced ? 'podmetrics' : 'nodemetrics', name, res.group);
    return sendJson(ctx, 200, { ...found, kind: res.kind, apiVersion: groupVersion(res) });
  }
  const labels = parseLabelSelector(ctx.query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(ctx.query.get('fieldSelector') ?? undefined);
  const selected: KObject[] = items.filter((o) => matchLabels(labels, o.metadata.labels) && matchFields(fields, o));
  sendJson(ctx, 200, { kind: res.listKind, apiVersion: groupVersion(res), metadata: { resourceVersion: ctx.store.resourceVersion }, items: selected });
}
