/**
 * Issue 19 item 10: secrets riding in configured URLs (kubeconfig user:password@, a Prometheus
 * ?access_token=) never appear in error messages or tool output; the token still reaches Prometheus.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip, redactUrl, redactUrlsIn } from '../../src/base/redact.js';
import { PrometheusClient, PrometheusError } from '../../src/metrics/prometheus-client.js';

describe('redactUrl', () => {
  it.each([
    ['https://admin:s3cret@k8s.example:6443', 'https://***@k8s.example:6443/'],
    ['http://prom:9090/prefix?access_token=abc&x=1', 'http://prom:9090/prefix?access_token=***&x=***'],
    ['http://user@host/', 'http://***@host/'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['not a url user:pw@host?token=1', 'not a url ***@host?***'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('redacts every URL inside a message and clips long text', () => {
    expect(redactUrlsIn('request to https://a:b@h/x?t=1 failed, reason: ECONNREFUSED')).toBe('request to https://***@h/x?t=*** failed, reason: ECONNREFUSED');
    expect(clip('x'.repeat(300), 10)).toBe('xxxxxxxxxx… (300 characters)');
  });
});

describe('Prometheus URL secrets', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream broke');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  async function failure(client: PrometheusClient): Promise<string> {
    const err = await client.query('up').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    return (err as Error).message;
  }

  it('a query-string token and user info are sent but never shown', async () => {
    const client = new PrometheusClient({ url: `http://bob:pw-9876@127.0.0.1:${port}/prom?access_token=TOKEN-1234` });
    expect(client.url).toBe(`http://127.0.0.1:${port}/prom?access_token=***`);
    const message = await failure(client);
    expect(message).toMatch(/did not answer with the Prometheus API \(HTTP 500/);
    expect(message).not.toMatch(/TOKEN-1234|pw-9876|bob/);
    expect(seen.at(-1)).toBe('/prom/api/v1/query?access_token=TOKEN-1234');
  });

  it('unreachable and invalid URLs say so without the secret', async () => {
    const message = await failure(new PrometheusClient({ url: 'http://bob:pw-9876@127.0.0.1:9/?access_token=TOKEN-1234' }));
    expect(message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:9\/\?access_token=\*\*\* is unreachable/);
    expect(message).not.toMatch(/TOKEN-1234|pw-9876/);
    expect(() => new PrometheusClient({ url: 'http://bob:pw-9876@no where?access_token=TOKEN-1234' })).toThrow(
      'Prometheus URL "http://***@no where?***" is not a valid URL',
    );
  });
});
