/**
 * A small client for Prometheus' HTTP API (/api/v1/query, /api/v1/query_range, buildinfo).
 * Every failure becomes a PrometheusError with a `kind`, so callers can tell "Prometheus is down" from
 * "your PromQL is wrong" and say so to the user or the agent in plain words.
 */
import { z } from 'zod';
import { RealClock, type Clock } from '../base/clock.js';
import { redactUrl, redactUrlsIn } from '../base/redact.js';

export interface PrometheusAuth {
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
}

export interface PrometheusClientOptions extends PrometheusAuth {
  /** Base URL, e.g. http://prometheus.monitoring:9090 (a path prefix such as /prometheus is kept; user:pass@ is basic auth). */
  url: string;
  /** Per-request timeout; a slow Prometheus counts as an unavailable one. */
  timeoutMs?: number;
  /** The timeout is measured on this clock (a RealClock unless a test injects one). */
  clock?: Clock;
}

export type PrometheusErrorKind =
  | 'unreachable' // connection refused, DNS, reset
  | 'timeout'
  | 'unauthorized' // 401/403
  | 'bad_query' // 400/422: the PromQL or its parameters
  | 'server' // 5xx or error status without a more specific kind
  | 'bad_response'; // not the Prometheus API's JSON

export class PrometheusError extends Error {
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }

  /** True when the failure says nothing about the query: Prometheus itself is down, slow or refusing us. */
  get unavailable(): boolean {
    return this.kind !== 'bad_query';
  }
}

export type Labels = Record<string, string>;
/** [unix seconds, value as Prometheus prints it ("1.5", "NaN", "+Inf")] */
export type SamplePair = [number, string];
export interface InstantSample {
  metric: Labels;
  value: SamplePair;
}
export interface RangeSeries {
  metric: Labels;
  values: SamplePair[];
}
export type QueryData =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export interface QueryResponse {
  data: QueryData;
  warnings: string[];
}

const samplePair = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string());
const queryData = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: samplePair })) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(samplePair) })) }),
  z.object({ resultType: z.literal('scalar'), result: samplePair }),
  z.object({ resultType: z.literal('string'), result: samplePair }),
]);
const envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
const buildInfo = z.object({ version: z.string() }).passthrough();

export interface RangeParams {
  /** Unix seconds. */
  start: number;
  end: number;
  stepSeconds: number;
}

export class PrometheusClient {
  /** for messages and tool output: no user info, query-string values masked */
  readonly url: string;
  /** where requests go: the base URL without its query string, which `search` carries to every request */
  private readonly base: string;
  private readonly search: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly authHeader: string | undefined;

  constructor(opts: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new PrometheusError('bad_query', `Prometheus URL "${redactUrl(opts.url)}" is not a valid URL`);
    }
    // Credentials in the URL (http://user:pass@host) become basic auth: fetch refuses such URLs, and
    // `url` appears in messages and tool output, which must never carry a secret. A query string (a
    // proxy's ?access_token=...) goes with every request but shows masked.
    const fromUrl = parsed.username ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : undefined;
    parsed.username = '';
    parsed.password = '';
    this.search = parsed.search;
    parsed.search = '';
    parsed.hash = '';
    this.base = parsed.toString().replace(/\/+$/, '');
    this.url = redactUrl(this.base + this.search);
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.clock = opts.clock ?? new RealClock();
    const basic = opts.basicAuth ?? fromUrl;
    if (opts.bearerToken) this.authHeader = `Bearer ${opts.bearerToken}`;
    else if (basic) this.authHeader = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  }

  /** Instant query; `time` in unix seconds (default: Prometheus' now). */
  async query(promql: string, time?: number): Promise<QueryResponse> {
    const form: Record<string, string> = { query: promql };
    if (time !== undefined) form.time = String(time);
    return parseQuery(this.url, await this.call('/api/v1/query', form));
  }

  async queryRange(promql: string, range: RangeParams): Promise<QueryResponse> {
    return parseQuery(
      this.url,
      await this.call('/api/v1/query_range', {
        query: promql,
        start: String(range.start),
        end: String(range.end),
        step: String(range.stepSeconds),
      }),
    );
  }

  /** Prometheus' version; doubles as the health probe because it needs a working API, not just a socket. */
  async buildInfo(): Promise<{ version: string }> {
    const parsed = buildInfo.safeParse((await this.call('/api/v1/status/buildinfo')).data);
    if (!parsed.success) throw new PrometheusError('bad_response', `${this.url} answered buildinfo without a version`);
    return { version: parsed.data.version };
  }

  /** POSTs a form (GET when none) and returns `data` and `warnings` of a successful API envelope. */
  private async call(path: string, form?: Record<string, string>): Promise<{ data: unknown; warnings: string[] }> {
    const controller = new AbortController();
    const timer = this.clock.setTimeout(() => controller.abort(), this.timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authHeader) headers.authorization = this.authHeader;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.base + path + this.search, {
        method: form ? 'POST' : 'GET',
        headers,
        body: form ? new URLSearchParams(form).toString() : undefined,
        signal: controller.signal,
      });
      text = await res.text();
    } catch (err) {
      if (controller.signal.aborted) throw new PrometheusError('timeout', `Prometheus at ${this.url} did not answer within ${this.timeoutMs} ms`);
      throw new PrometheusError('unreachable', `Prometheus at ${this.url} is unreachable (${redactUrlsIn(causeOf(err))})`);
    } finally {
      this.clock.clearTimeout(timer);
    }
    if (res.status === 401 || res.status === 403)
      throw new PrometheusError('unauthorized', `Prometheus at ${this.url} refused the credentials (HTTP ${res.status})`, res.status);
    let body: z.infer<typeof envelope>;
    try {
      body = envelope.parse(JSON.parse(text));
    } catch {
      throw new PrometheusError(
        res.status >= 500 ? 'server' : 'bad_response',
        `${this.url}${path} did not answer with the Prometheus API (HTTP ${res.status}: ${text.slice(0, 120)})`,
        res.status,
      );
    }
    if (body.status === 'error' || !res.ok) {
      const kind: PrometheusErrorKind = res.status === 400 || res.status === 422 || body.errorType === 'bad_data' ? 'bad_query' : 'server';
      throw new PrometheusError(kind, `Prometheus: ${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${res.status}`}`, res.status);
    }
    return { data: body.data, warnings: body.warnings ?? [] };
  }
}

function parseQuery(url: string, body: { data: unknown; warnings: string[] }): QueryResponse {
  const parsed = queryData.safeParse(body.data);
  if (!parsed.success) throw new PrometheusError('bad_response', `${url} returned a query result of unknown shape`);
  return { data: parsed.data as QueryData, warnings: body.warnings };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
