/**
 * describeWith / itWith decide by CI: a child vitest runs fixtures/prerequisite.fixture.ts once with CI=true
 * (the missing prerequisite fails, naming itself and how to provide it) and once without (skipped, with the
 * reason on stderr). The suite whose prerequisite is present runs both times.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = join(import.meta.dirname, 'fixtures/vitest.config.ts');
const out = mkdtempSync(join(tmpdir(), 'sentinelops-prereq-'));

interface Run {
  code: number;
  stderr: string;
  tests: Record<string, { status: string; failureMessages: string[] }>;
}

function runFixture(ci: string): Promise<Run> {
  const report = join(out, `report-${ci || 'none'}.json`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [VITEST, 'run', '--config', CONFIG, '--reporter=json', `--outputFile=${report}`, '--disableConsoleIntercept'],
      { cwd: ROOT, env: { ...process.env, CI: ci }, timeout: 60_000 },
      (err, _stdout, stderr) => {
        const json = JSON.parse(readFileSync(report, 'utf8')) as {
          testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
        };
        const tests = Object.fromEntries(json.testResults.flatMap((f) => f.assertionResults).map((a) => [a.fullName, a]));
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr, tests });
      },
    );
  });
}

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a missing prerequisite', () => {
  it('fails the suite under CI=true, naming what is missing and how to provide it', async () => {
    const r = await runFixture('true');
    expect(r.code).toBe(1);
    const why = 'CI=true and this suite needs a frobnicator: /opt/frob does not exist; apt-get install frob';
    expect(r.tests).toMatchObject({
      'suite needing a frobnicator has its prerequisite: a frobnicator': { status: 'failed', failureMessages: [expect.stringContaining(why)] },
      'suite needing arithmetic runs': { status: 'passed' },
      'suite needing arithmetic one test needing a frobnicator': { status: 'failed', failureMessages: [expect.stringContaining(why)] },
    });
    expect(r.tests['suite needing a frobnicator would run']).toBeUndefined();
  }, 90_000);

  it('skips elsewhere and says why on stderr', async () => {
    const r = await runFixture('');
    expect(r.code).toBe(0);
    expect(r.tests).toMatchObject({
      'suite needing a frobnicator would run': { status: 'skipped' },
      'suite needing arithmetic runs': { status: 'passed' },
      'suite needing arithmetic one test needing a frobnicator': { status: 'skipped' },
    });
    expect(r.stderr).toContain('[skip] suite needing a frobnicator: needs a frobnicator: /opt/frob does not exist; apt-get install frob');
    expect(r.stderr).toContain('[skip] one test needing a frobnicator: needs a frobnicator: /opt/frob does not exist; apt-get install frob');
  }, 90_000);
});
