/**
 * Rehearsal scenarios (docs/scenarios.md): a YAML document parsed with `yaml`, validated with zod, durations turned
 * into seconds. Every error names the path of the bad field ("spec.events[2].until: ..."), and nothing is half-parsed:
 * either a whole Scenario comes back or a ScenarioError is thrown.
 */
import { readFile } from 'node:fs/promises';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isQuantity } from '../base/quantity.js';
import { Rng } from '../base/random.js';
import { AgentConfigSchema } from '../config/schema.js';
import { parseDuration } from '../base/duration.js';
import { FAULT_NAMES, type FaultName as SimFaultName } from '../sim/faults.js';
import { type LoadCurve, demandAt } from './load.js';
import type { Slo } from './referee.js';

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = parseDuration(v);
  if (s === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a duration (write 90s, 30m, 24h or 1h30m)` });
    return z.NEVER;
  }
  return s;
});

const quantity = z.union([z.string(), z.number()]).refine(isQuantity, (v) => ({ message: `"${v}" is not a Kubernetes quantity (e.g. 500m, 4, 16Gi)` }));

const deploymentRef = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'must be namespace/name, e.g. demo/web');

const millicores = z.number().min(0, 'demand cannot be negative');

const PointsLoadSchema = z
  .object({
    deployment: deploymentRef,
    points: z.array(z.tuple([duration, millicores])).min(1, 'needs at least one [time, millicores] point'),
  })
  .strict()
  .superRefine((l, ctx) => {
    for (let i = 1; i < l.points.length; i++) {
      if (l.points[i]![0] < l.points[i - 1]![0]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['points', i], message: 'points must be in time order' });
    }
  });

const DiurnalLoadSchema = z
  .object({
    deployment: deploymentRef,
    diurnal: z
      .object({ min: millicores, max: millicores, period: duration.default('24h'), peakAt: duration.default('14h') })
      .strict()
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['min'] })
      .refine((d) => d.period > 0, { message: 'period must be positive', path: ['period'] }),
  })
  .strict();

const LoadSchema = z.union([PointsLoadSchema, DiurnalLoadSchema], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union' ? { message: 'a load entry needs deployment and either points or diurnal' } : { message: ctx.defaultError },
});

const eventBase = { at: duration, until: duration.optional() };
const onDeployment = { ...eventBase, deployment: deploymentRef };

/** One schema per fault: exactly the parameters that fault takes. */
const EventSchema = z.discriminatedUnion(
  'fault',
  [
    z.object({ fault: z.literal('crash-pod'), ...onDeployment, pod: z.string().min(1).optional(), count: z.number().int().positive().default(1) }).strict(),
    z.object({ fault: z.literal('crashloop'), ...onDeployment, exitCode: z.number().int().min(1).max(255).default(1) }).strict(),
    z.object({ fault: z.literal('bad-image-rollout'), ...onDeployment, image: z.string().min(1).default('nginx:does-not-exist') }).strict(),
    z.object({ fault: z.literal('crashing-rollout'), ...onDeployment, crashAfterSeconds: z.number().min(0).default(5) }).strict(),
    z.object({ fault: z.literal('unschedulable-rollout'), ...onDeployment, cpu: quantity.default('64'), memory: quantity.optional() }).strict(),
    z.object({ fault: z.literal('node-down'), ...eventBase, node: z.string().min(1) }).strict(),
    z.object({ fault: z.literal('memory-leak'), ...onDeployment, mibPerMinute: z.number().positive() }).strict(),
    z.object({ fault: z.literal('cpu-spike'), ...onDeployment, millicores: z.number().positive() }).strict(),
    z.object({ fault: z.literal('unready-rollout'), ...onDeployment }).strict(),
    z.object({ fault: z.literal('slow-start'), ...onDeployment, startupSeconds: z.number().positive().default(300) }).strict(),
    z
      .object({
        fault: z.literal('noisy-neighbour'),
        ...onDeployment,
        millicores: z.number().positive().optional(),
        requestMillicores: z.number().min(0).optional(),
      })
      .strict(),
    z.object({ fault: z.literal('dependency-down'), ...onDeployment }).strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === 'invalid_union_discriminator' ? { message: `fault must be one of: ${FAULTS.join(', ')}` } : { message: ctx.defaultError },
  },
);

/** The simulator's faults a scenario can schedule; demand comes from the scenario's load curve, not the `load` fault. */
export type FaultName = Exclude<SimFaultName, 'load'>;
export const FAULTS = FAULT_NAMES.filter((f): f is FaultName => f !== 'load');

const KubeObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1).optional() }).passthrough(),
  })
  .passthrough();

const SpecSchema = z
  .object({
    duration,
    seed: z.number().int().min(0).default(1),
    cluster: z
      .object({
        nodes: z.number().int().min(1).max(100).default(3),
        nodeCpu: quantity.default('4'),
        nodeMemory: quantity.default('16Gi'),
      })
      .strict()
      .default({}),
    /**
     * Each event starts up to this long after its `at` (its `until` moves with it), drawn from the seed, so faults
     * do not land on the agent's cycle grid. Default 30s; 0s keeps the times exact.
     */
    jitter: duration.default('30s'),
    /**
     * Steady state before time 0: the objects are created and the load held at its time-0 value until every
     * deployment is rolled out and metrics-server has two scrapes of every pod, at most this long.
     */
    warmup: duration.default('5m'),
    /** What the users of each deployment are promised: p95 latency and the share of failed (dropped) work. */
    slo: z
      .object({
        p95LatencyMs: z.number().positive().default(500),
        maxErrorRatio: z.number().min(0).max(1).default(0.01),
        deployments: z
          .record(deploymentRef, z.object({ p95LatencyMs: z.number().positive().optional(), maxErrorRatio: z.number().min(0).max(1).optional() }).strict())
          .default({}),
      })
      .strict()
      .default({}),
    objects: z.array(KubeObjectSchema).default([]),
    load: z.array(LoadSchema).default([]),
    events: z.array(EventSchema).default([]),
    /** Overrides of the `agent` config section; validated against it, kept partial so they merge over the base config. */
    agent: z.record(z.unknown()).default({}),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const parsed = AgentConfigSchema.safeParse(spec.agent);
    if (!parsed.success) {
      for (const i of parsed.error.issues) ctx.addIssue({ ...i, path: ['agent', ...i.path] });
    }
    const deployments = new Set(spec.objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`));
    const known = (ref: string, path: (string | number)[]) => {
      if (!deployments.has(ref)) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: `no Deployment ${ref} among spec.objects` });
    };
    spec.load.forEach((l, i) => known(l.deployment, ['load', i, 'deployment']));
    for (const d of Object.keys(spec.slo.deployments)) known(d, ['slo', 'deployments', d]);
    spec.events.forEach((e, i) => {
      if ('deployment' in e) known(e.deployment, ['events', i, 'deployment']);
      if (e.at > spec.duration)
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['events', i, 'at'], message: `is after the end of the scenario (${spec.duration}s)` });
      if (e.until !== undefined && e.until <= e.at) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['events', i, 'until'], message: 'must be after at' });
    });
  });

export const ScenarioSchema = z
  .object({
    apiVersion: z.literal('sentinelops.dev/v1', { errorMap: () => ({ message: 'must be sentinelops.dev/v1' }) }),
    kind: z.literal('Scenario', { errorMap: () => ({ message: 'must be Scenario' }) }),
    metadata: z.object({ name: z.string().min(1), description: z.string().optional() }).strict(),
    spec: SpecSchema,
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;

/** The SLO of one deployment: its own entry over the scenario's default. */
export function sloOf(s: Scenario, deployment: string): Slo {
  const own = s.spec.slo.deployments[deployment] ?? {};
  return { p95LatencyMs: own.p95LatencyMs ?? s.spec.slo.p95LatencyMs, maxErrorRatio: own.maxErrorRatio ?? s.spec.slo.maxErrorRatio };
}

/** The scenario's deployments as `ns/name`, in the order of spec.objects. */
export function deploymentKeys(s: Scenario): string[] {
  return s.spec.objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
}

/** Events with their start (and end) moved by up to spec.jitter seconds, drawn from `seed`; never past the end. */
export function jitteredEvents(s: Scenario, seed: number): ScenarioEvent[] {
  const rng = new Rng(seed).fork('scenario-jitter');
  return s.spec.events.map((e) => {
    const shift = Math.min(rng.range(0, s.spec.jitter), Math.max(0, s.spec.duration - e.at));
    const moved = Math.round((e.at + shift) * 1000) / 1000;
    return { ...e, at: moved, ...(e.until !== undefined ? { until: moved + (e.until - e.at) } : {}) };
  });
}
export type ScenarioEvent = Scenario['spec']['events'][number];
export type ScenarioLoad = Scenario['spec']['load'][number];

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function pathText(path: (string | number)[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** Parses and validates scenario YAML; throws ScenarioError listing every problem with its field path. */
export function parseScenario(text: string, source = '<scenario>'): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    if (err instanceof YAMLParseError) throw new ScenarioError(source, [`YAML: ${err.message}`]);
    throw err;
  }
  const r = ScenarioSchema.safeParse(doc);
  if (!r.success)
    throw new ScenarioError(
      source,
      r.error.issues.map((i) => `${pathText(i.path) || '(document)'}: ${i.message}`),
    );
  return r.data;
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  return parseScenario(await readFile(path, 'utf8'), path);
}

export function loadCurve(l: ScenarioLoad): LoadCurve {
  if ('points' in l) return { points: l.points };
  return { diurnal: { min: l.diurnal.min, max: l.diurnal.max, periodSeconds: l.diurnal.period, peakAtSeconds: l.diurnal.peakAt } };
}

/** Total CPU demand (millicores) per deployment key at scenario time t; several entries for one deployment add up. */
export function demandsAt(s: Scenario, tSeconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of s.spec.load) out[l.deployment] = (out[l.deployment] ?? 0) + demandAt(loadCurve(l), tSeconds);
  return out;
}

/**
 * The body for the simulator's fault API (`POST /sim/v1/faults`, src/sim/faults.ts) that starts this event.
 * Quantities travel as strings there; crash-pod is instantaneous, so it takes no lifetime.
 */
export function toFaultRequest(e: ScenarioEvent): Record<string, unknown> {
  const { at: _at, until, ...params } = e;
  const body: Record<string, unknown> = { ...params };
  if ('cpu' in params && params.cpu !== undefined) body.cpu = String(params.cpu);
  if ('memory' in params && params.memory !== undefined) body.memory = String(params.memory);
  if (until !== undefined && e.fault !== 'crash-pod') body.durationSeconds = until - e.at;
  return body;
}
