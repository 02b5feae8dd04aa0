/**
 * A real HTTP receiver on 127.0.0.1 for the notification tests: records every request, validates the
 * body against a vendor schema (answering 400 with the issues, as the vendor would) and answers what the
 * test scripts (`plan`: a queue of answers, then 2xx).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  status: number;
  invalid?: string;
}

export interface Answer {
  status: number;
  /** take the request and never answer (the sender hears nothing until it gives up or dies) */
  hold?: boolean;
  headers?: Record<string, string>;
  body?: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** answers for the next requests, in order; afterwards `ok` */
  readonly plan: Answer[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly schema?: z.ZodTypeAny,
    private readonly ok: Answer = { status: 200, body: 'ok' },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Listens (again, on the same port when it listened before). */
  async start(port = this.port): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        let invalid: string | undefined;
        try {
          body = JSON.parse(raw);
          const r = this.schema?.safeParse(body);
          if (r && !r.success) invalid = JSON.stringify(r.error.issues);
        } catch {
          invalid = 'not JSON';
        }
        const answer: Answer = invalid ? { status: 400, body: invalid } : (this.plan.shift() ?? this.ok);
        this.received.push({ headers: req.headers, raw, body, status: answer.status, invalid });
        if (answer.hold) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Bodies the receiver accepted (2xx). */
  get accepted(): any[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.body);
  }
}
