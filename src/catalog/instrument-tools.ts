/**
 * Wraps tool handlers to observe their latency and outcome, so every face that runs tools (MCP server,
 * REST) gets sentinelops_mcp_tool_call_duration_seconds without the adapter knowing about metrics:
 * `createServer({ ..., tools: instrumentTools(ALL_TOOLS, metrics) })`.
 */
import type { AnyTool } from './define-tool.js';
import type { SentinelMetrics } from '../observability/metrics.js';

export function instrumentTools(tools: readonly AnyTool[], metrics: SentinelMetrics): AnyTool[] {
  return tools.map((tool) => ({
    ...tool,
    handler: async (args, call) => {
      // The injected clock, like everything the agent runs; under a virtual clock latencies read as 0.
      const started = call.ctx.clock.now();
      let ok = false;
      try {
        const result = await tool.handler(args, call);
        ok = true;
        return result;
      } finally {
        // runTool has bound the call to its cluster before the handler runs: the label names where it ran.
        metrics.observeToolCall(tool.name, (call.ctx.clock.now() - started) / 1000, ok, call.ctx.clusterName);
      }
    },
  }));
}
