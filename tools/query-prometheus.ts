import { defineTool } from '../src/catalog/define-tool.js';
import { QueryPrometheusInput, QueryPrometheusOutput, queryPrometheus } from '../src/services/prometheus-query.js';

export const queryPrometheusTool = defineTool({
  name: 'query_prometheus',
  title: 'Query Prometheus (PromQL)',
  description:
    "Runs a read-only PromQL query against the configured Prometheus: an instant query by default, or a range query when `range` is given (start/end or sinceSeconds, stepSeconds). Use it for what get_metrics does not cover: error rates, latency histograms, custom application metrics, history. Results are capped (maxSeries, maxPoints per series) and `truncated` says when something was left out; narrow the query with label matchers, topk() or a larger step. A PromQL error comes back with Prometheus' message.",
  input: QueryPrometheusInput,
  output: QueryPrometheusOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  multiLineArgs: ['query'],
  handler: (args, { ctx }) => queryPrometheus(ctx, args),
});
