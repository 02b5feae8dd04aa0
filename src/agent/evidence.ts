/**
 * Evidence for an escalation a human will read (Decision.gather): the previous container's last log lines and the
 * pod's recent Warning events, fetched through the read-only MCP tools and appended to the decision's message, which
 * becomes the incident's summary. Collecting is best effort: a tool that fails is named in the evidence, and the
 * escalation goes out regardless.
 */
import { getPodLogsTool } from '../../tools/get-pod-logs.js';
import { listEventsTool } from '../../tools/list-events.js';
import type { Decision } from '../policy/decision.js';
import type { ToolClient } from './tool-client.js';

const LOG_LINES = 20;
const EVENTS = 5;
/** The incident summary holds 4000 characters; the evidence keeps to most of it. */
const MAX_CHARS = 3000;

export async function gatherEvidence(client: ToolClient, decisions: readonly Decision[]): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const d of decisions) {
    if (!d.gather || d.namespace === undefined) {
      out.push(d);
      continue;
    }
    const lines: string[] = [];
    for (const pod of d.gather.pods) lines.push(...(await podEvidence(client, d.namespace, pod)));
    const evidence = clip(lines);
    out.push({ ...d, evidence, message: evidence.length ? `${d.message}\nEvidence:\n${evidence.join('\n')}` : d.message });
  }
  return out;
}

async function podEvidence(client: ToolClient, namespace: string, pod: string): Promise<string[]> {
  const lines: string[] = [];
  const logs = await client.call(getPodLogsTool, { namespace, pod, previous: true, tailLines: LOG_LINES });
  if (logs.ok) lines.push(`logs of ${pod}'s previous container (last ${logs.value.lines.length} lines):`, ...logs.value.lines.map((l) => `  ${l}`));
  else lines.push(`logs of ${pod}'s previous container: not available (${logs.error})`);
  const events = await client.call(listEventsTool, { namespace, object: pod, limit: EVENTS });
  if (events.ok)
    lines.push(
      `recent events of ${pod}:`,
      ...events.value.items.slice(0, EVENTS).map((e) => `  ${e.lastSeen ?? ''} ${e.type} ${e.reason} (x${e.count}): ${e.message}`),
    );
  else lines.push(`events of ${pod}: not available (${events.error})`);
  return lines;
}

function clip(lines: string[]): string[] {
  const out: string[] = [];
  let n = 0;
  for (const l of lines) {
    const line = l.length > 300 ? `${l.slice(0, 297)}...` : l;
    if (n + line.length + 1 > MAX_CHARS) {
      out.push('  ...');
      break;
    }
    out.push(line);
    n += line.length + 1;
  }
  return out;
}
