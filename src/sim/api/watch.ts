/**
 * Watch over HTTP: one JSON event per line on a chunked 200 response, as client-node's Watch and kubectl
 * read it. A resourceVersion older than the store's history becomes an ERROR event carrying a 410 Status
 * (what real servers send once the stream has started), after which the client re-lists.
 * Timeouts and bookmarks run on the injected clock, so virtual-time rehearsals keep them consistent.
 */
import { ApiError } from '../errors.js';
import type { WatchOptions } from '../store.js';
import { groupVersion, type ResourceType, type WatchEvent } from '../types.js';
import type { Ctx } from './http.js';
import { objectBytes } from './serialize.js';

export interface WatchRequest extends WatchOptions {
  timeoutSeconds?: number;
  bookmarks: boolean;
  /** Renders each event's object differently (kubectl asks for Table rows). */
  render?: (ev: WatchEvent) => string;
}

const BOOKMARK_INTERVAL_MS = 60_000;
const EVENT_END = Buffer.from('}\n');

export function serveWatch(ctx: Ctx, res: ResourceType, w: WatchRequest): void {
  const { res: http, clock, store } = ctx;
  http.statusCode = 200;
  http.setHeader('Content-Type', 'application/json');
  http.setHeader('Cache-Control', 'no-cache, private');
  http.flushHeaders();

  let ended = false;
  let stop: (() => void) | undefined;
  let timeout: ReturnType<typeof clock.setTimeout> | undefined;
  let bookmark: ReturnType<typeof clock.setTimeout> | undefined;

  const end = () => {
    if (ended) return;
    ended = true;
    stop?.();
    clock.clearTimeout(timeout);
    clock.clearTimeout(bookmark);
    ctx.streams.delete(end);
    if (!http.writableEnded) http.end();
  };
  ctx.streams.add(end);
  http.on('close', end);

  const send = (ev: WatchEvent) => {
    if (ended) return;
    const head = `{"type":"${ev.type}","object":`;
    if (w.render) http.write(`${head}${w.render(ev)}}\n`);
    else http.write(Buffer.concat([Buffer.from(head), objectBytes(res, ev.object), EVENT_END]));
  };

  try {
    stop = store.watch(res, w, send);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    http.write(`${JSON.stringify({ type: 'ERROR', object: e.toStatus() })}\n`);
    end();
    return;
  }
  if (ended) {
    // The client went away while the initial events were written.
    stop();
    return;
  }
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) timeout = clock.setTimeout(end, w.timeoutSeconds * 1000);
  if (w.bookmarks) {
    const tick = () => {
      if (ended) return;
      const object = { kind: res.kind, apiVersion: groupVersion(res), metadata: { resourceVersion: store.resourceVersion } };
      http.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
      bookmark = clock.setTimeout(tick, BOOKMARK_INTERVAL_MS);
    };
    bookmark = clock.setTimeout(tick, BOOKMARK_INTERVAL_MS);
  }
}
