/**
 * POST /alerts/alertmanager as a plain node:http handler. The body is read with a size limit, parsed and
 * validated in full before anything is stored: a malformed payload gets 400 with the reason and changes
 * nothing. Authentication is the mounting server's job, done before the handler runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../http/node-io.js';
import { pathOf } from '../http/node-io.js';
import { ingestAlerts, type AlertIngestDeps } from './ingest.js';
import { AlertmanagerPayloadSchema } from './schema.js';

export const ALERTMANAGER_PATH = '/alerts/alertmanager';

export interface AlertWebhookOptions extends AlertIngestDeps {
  path?: string;
  bodyLimitBytes?: number;
}

export function alertmanagerHandler(opts: AlertWebhookOptions): RouteHandler {
  const path = opts.path ?? ALERTMANAGER_PATH;
  const limit = opts.bodyLimitBytes ?? 1_048_576;
  return async (req, res) => {
    if (pathOf(req) !== path) return false;
    if (req.method !== 'POST') {
      reply(res, 405, { error: `use POST for ${path}` }, { allow: 'POST' });
      return true;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      reply(res, 415, { error: `content-type must be application/json, got "${type || 'none'}"` });
      return true;
    }
    const body = await readBody(req, limit);
    if (body === undefined) {
      reply(res, 413, { error: `body larger than ${limit} bytes` });
      return true;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      reply(res, 400, { error: `body is not valid JSON: ${(err as Error).message}` });
      return true;
    }
    const parsed = AlertmanagerPayloadSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      reply(res, 400, { error: `not an Alertmanager webhook payload (version 4): ${issues.join('; ')}`, issues });
      return true;
    }
    const outcomes = await ingestAlerts(parsed.data, opts);
    reply(res, 200, { received: outcomes.length, alerts: outcomes });
    return true;
  };
}

/** The body as text, or undefined when it exceeds `limit` (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
