/**
 * The claim is atomic across processes sharing the store file, not only inside one: several processes
 * race to claim the same target at the same instant and exactly one passes the guard.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { Store } from '../../src/store/index.js';

const CLAIMER = resolve(__dirname, 'fixtures/claimer.ts');
const PROCESSES = 5;

function run(path: string, startAt: number): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLAIMER, path, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => res(out.trim()));
    child.on('error', rej);
  });
}

describe('claims across processes', () => {
  it(`${PROCESSES} processes claiming the same target at once: one claims, the others are refused by its row`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sentinelops-claim-')), 'x.db');
    Store.open(path, new RealClock()).close();
    // Every process is started and has opened the store well before the common instant.
    const startAt = Date.now() + 6000;
    const outcomes = await Promise.all(Array.from({ length: PROCESSES }, () => run(path, startAt)));
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused: cooldown')).toHaveLength(PROCESSES - 1);
    const store = Store.open(path, new RealClock());
    try {
      expect(store.audit.list({ tool: 'scale_deployment' })).toHaveLength(1);
    } finally {
      store.close();
    }
  }, 30_000);
});
