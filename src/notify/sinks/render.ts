/** One HTTP request per (sink, event): the URL, headers and body the delivery worker sends. */
import type { SinkConfig } from '../../config/notify.js';
import type { NotificationEvent } from '../event.js';
import { SIGNATURE_HEADER, signBody } from '../sign.js';
import { pagerDutyEvent } from './pagerduty.js';
import { slackMessage } from './slack.js';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function renderRequest(sink: SinkConfig, e: NotificationEvent, deliveryId: string, nowMs: number): OutgoingRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'SentinelOps-Notify/1' };
  switch (sink.type) {
    case 'slack':
      return { url: sink.url, headers, body: JSON.stringify(slackMessage(e)) };
    case 'pagerduty':
      return { url: sink.url, headers, body: JSON.stringify(pagerDutyEvent(e, sink.routingKey)) };
    case 'webhook': {
      const body = JSON.stringify({ id: deliveryId, ...e });
      return {
        url: sink.url,
        headers: {
          ...headers,
          'x-sentinelops-event': e.kind,
          // Stable across retries of the same message: receivers drop a delivery id they already have.
          'x-sentinelops-delivery': deliveryId,
          [SIGNATURE_HEADER]: signBody(sink.secret, body, Math.floor(nowMs / 1000)),
        },
        body,
      };
    }
  }
}
