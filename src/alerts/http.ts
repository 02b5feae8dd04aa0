/**
 * POST /alerts/alertmanager as a hono app. The body is read under a size limit, parsed and validated in
 * full before anything is stored: a malformed payload gets 400 with the reason and changes nothing.
 * Authentication is the mounting app's middleware, run before this.
 */
import { Hono } from 'hono';
import { bodyLimit, bodyText, mediaType, parseJson } from '../http/body.js';
import { HttpError, errorHandler, jsonError } from '../http/errors.js';
import { ingestAlerts, type AlertIngestDeps } from './ingest.js';
import { AlertmanagerPayloadSchema } from './schema.js';

export const ALERTMANAGER_PATH = '/alerts/alertmanager';

export interface AlertWebhookOptions extends AlertIngestDeps {
  path?: string;
  bodyLimitBytes?: number;
}

export function alertmanagerRoutes(opts: AlertWebhookOptions): Hono {
  const path = opts.path ?? ALERTMANAGER_PATH;
  const app = new Hono();
  app.onError(errorHandler(opts.logger));
  app.post(path, bodyLimit(opts.bodyLimitBytes ?? 1_048_576), async (c) => {
    const type = mediaType(c);
    if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', `content-type must be application/json, got "${type || 'none'}"`);
    const parsed = AlertmanagerPayloadSchema.safeParse(parseJson(await bodyText(c)));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new HttpError(400, 'invalid', `not an Alertmanager webhook payload (version 4): ${issues.join('; ')}`, undefined, { issues });
    }
    const outcomes = await ingestAlerts(parsed.data, opts);
    return c.json({ received: outcomes.length, alerts: outcomes });
  });
  app.all(path, (c) => jsonError(c, 405, 'method_not_allowed', `use POST for ${path}`, { headers: { Allow: 'POST' } }));
  return app;
}
