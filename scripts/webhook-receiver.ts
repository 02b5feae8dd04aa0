/**
 * A local webhook receiver for trying notifications: verifies each message's signature (as a real
 * receiver must) and prints one line per message. Usage:
 *   npx tsx scripts/webhook-receiver.ts [--port 9999] [--secret <webhook secret>]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { SIGNATURE_HEADER, verifySignature } from '../src/notify/sign.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9999' }, secret: { type: 'string', default: 'demo-webhook-secret-0123' } } });
const seen = new Set<string>();

createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
  req.on('end', () => {
    const check = verifySignature(values.secret!, raw, req.headers[SIGNATURE_HEADER] as string | undefined, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      process.stdout.write(`REJECTED (${check.reason})\n`);
      res.writeHead(401).end();
      return;
    }
    const delivery = String(req.headers['x-sentinelops-delivery']);
    const repeat = seen.has(delivery) ? ' (repeat, ignored)' : '';
    seen.add(delivery);
    const e = JSON.parse(raw) as { kind: string; severity: string; title: string; text: string; incident?: { mttrSeconds: number | null } };
    process.stdout.write(`[${e.kind}] ${e.severity} ${e.title}${repeat}\n    ${e.text.replace(/\n/g, '\n    ')}\n`);
    res.writeHead(204).end();
  });
}).listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${values.port}/hook (signatures verified)\n`));
