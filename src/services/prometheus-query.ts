/**
 * The free-form, read-only PromQL behind the `query_prometheus` tool: instant or range query, with the
 * result capped (series and points per series) so one query cannot flood a model's context.
 */
import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';
import { prometheusClientFromConfig } from '../metrics/from-config.js';
import { PrometheusError, type PrometheusClient, type QueryData, type SamplePair } from '../metrics/prometheus-client.js';

const TIME = z
  .string()
  .regex(/^(\d+(\.\d+)?|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2}))$/, 'a time is unix seconds ("1735689600") or RFC 3339 ("2026-01-01T00:00:00Z")');

export const QueryPrometheusInput = z.object({
  query: z.string().min(1).max(10_000).describe('PromQL, e.g. sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="demo"}[5m]))'),
  time: TIME.optional().describe('instant query: evaluation time; default now'),
  range: z
    .object({
      start: TIME.optional().describe('default: end minus sinceSeconds'),
      end: TIME.optional().describe('default now'),
      sinceSeconds: z
        .number()
        .int()
        .positive()
        .max(30 * 86400)
        .optional()
        .describe('look-back when start is not given; default 3600'),
      stepSeconds: z.number().positive().max(86400).optional().describe('resolution; default (end - start) / 60'),
    })
    .strict()
    .optional()
    .describe('give this for a range query (a time series per result); omit for an instant query'),
  maxSeries: z.number().int().min(1).max(500).default(50).describe('series returned at most (default 50)'),
  maxPoints: z.number().int().min(1).max(1000).default(120).describe('range query: the latest points kept per series (default 120)'),
});
export type QueryPrometheusArgs = z.output<typeof QueryPrometheusInput>;

const Labels = z.record(z.string());
const Point = z.tuple([z.number().describe('unix seconds'), z.string().describe('value as Prometheus prints it')]);

export const QueryPrometheusOutput = z.object({
  resultType: z.enum(['vector', 'matrix', 'scalar', 'string']),
  series: z.array(z.object({ metric: Labels, value: Point.optional(), values: z.array(Point).optional() })),
  scalar: Point.optional().describe('for scalar and string results'),
  seriesTotal: z.number().int().describe('series Prometheus returned before capping'),
  truncated: z.boolean().describe('true when series or points were left out; narrow the query (labels, topk, a larger step)'),
  warnings: z.array(z.string()),
  prometheusUrl: z.string(),
});
export type QueryPrometheusResult = z.infer<typeof QueryPrometheusOutput>;

export async function queryPrometheus(ctx: Pick<ServiceContext, 'config' | 'clock'>, args: QueryPrometheusArgs): Promise<QueryPrometheusResult> {
  const client = prometheusClientFromConfig(ctx.config.metrics, ctx.clock);
  if (!client) {
    throw new ServiceError('unavailable', 'no Prometheus is configured: set metrics.prometheusUrl (PROMETHEUS_URL) to use query_prometheus');
  }
  const now = ctx.clock.now() / 1000;
  try {
    const { data, warnings } = args.range
      ? await client.queryRange(args.query, rangeOf(args.range, now))
      : await client.query(args.query, args.time ? seconds(args.time) : now);
    return { ...cap(data, args), warnings, prometheusUrl: client.url };
  } catch (err) {
    throw toServiceError(err, client);
  }
}

function rangeOf(r: NonNullable<QueryPrometheusArgs['range']>, now: number) {
  const end = r.end ? seconds(r.end) : now;
  const start = r.start ? seconds(r.start) : end - (r.sinceSeconds ?? 3600);
  if (!(start < end)) throw new ServiceError('invalid', `range start (${start}) must be before end (${end})`);
  const stepSeconds = r.stepSeconds ?? Math.max(1, Math.ceil((end - start) / 60));
  // Prometheus itself refuses more than 11,000 points per series; say so before asking.
  if ((end - start) / stepSeconds > 11_000) throw new ServiceError('invalid', 'range / stepSeconds exceeds 11000 points; use a larger stepSeconds');
  return { start, end, stepSeconds };
}

function seconds(t: string): number {
  const n = /^\d+(\.\d+)?$/.test(t) ? Number(t) : Date.parse(t) / 1000;
  if (!Number.isFinite(n)) throw new ServiceError('invalid', `"${t}" is not a time`);
  return n;
}

function cap(data: QueryData, args: QueryPrometheusArgs): Omit<QueryPrometheusResult, 'warnings' | 'prometheusUrl'> {
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      return { resultType: data.resultType, series: [], scalar: data.result as SamplePair, seriesTotal: 0, truncated: false };
    case 'vector':
      return {
        resultType: 'vector',
        series: data.result.slice(0, args.maxSeries).map((s) => ({ metric: s.metric, value: s.value })),
        seriesTotal: data.result.length,
        truncated: data.result.length > args.maxSeries,
      };
    case 'matrix': {
      let pointsCut = false;
      const series = data.result.slice(0, args.maxSeries).map((s) => {
        if (s.values.length > args.maxPoints) pointsCut = true;
        return { metric: s.metric, values: s.values.slice(-args.maxPoints) };
      });
      return { resultType: 'matrix', series, seriesTotal: data.result.length, truncated: pointsCut || data.result.length > args.maxSeries };
    }
  }
}

function toServiceError(err: unknown, client: PrometheusClient): unknown {
  if (!(err instanceof PrometheusError)) return err;
  if (err.kind === 'bad_query') return new ServiceError('invalid', `${err.message} — fix the PromQL or its times and retry`);
  return new ServiceError('unavailable', err.message, { url: client.url, kind: err.kind });
}
