/**
 * The demo as a newcomer runs it: it states its length, narrates what the agent does as it happens, prints fault
 * commands that work against the running simulator and server, honours SENTINELOPS_CHAOS_ENABLED, and leaves no
 * temporary directory behind. The Narrator's rules (every action, each hold once) are tested on their own too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { VirtualClock } from '../../src/base/clock.js';
import { Narrator } from '../../src/commands/demo.js';
import type { Decision } from '../../src/policy/decision.js';
import { CLI, ROOT } from './run-cli.js';

const decision = (over: Partial<Decision>): Decision => ({
  action: 'none',
  reason: 'WithinTolerance',
  message: 'fine',
  kind: 'deployment',
  namespace: 'demo',
  target: 'web',
  severity: 'low',
  ...over,
});

const cycle = (n: number, over: Partial<CycleReport> = {}): CycleReport => ({
  cycle: n,
  trigger: 'interval',
  mode: 'act',
  startedAt: 0,
  wallMs: 1,
  findings: [],
  decisions: [],
  results: [],
  ...over,
});

describe('demo narration', () => {
  it('tells every action with its result, and each hold when it starts or changes', () => {
    const clock = new VirtualClock(0);
    const lines: string[] = [];
    const n = new Narrator(clock, 0, (l) => lines.push(l));
    const scale = decision({ action: 'scale', reason: 'ScaleDown', message: 'scale demo/web down from 3 to 2', tool: 'scale_deployment' });
    clock.advance(13_000);
    n.cycle(
      cycle(1, {
        decisions: [scale],
        results: [
          {
            at: 13_000,
            decision: { ...scale, scaling: { current: 3 } as Decision['scaling'] },
            tool: 'scale_deployment',
            arguments: { namespace: 'demo', deployment: 'web', replicas: 2 },
            ok: true,
            dryRun: false,
            message: 'done',
            transient: false,
          },
        ],
      }),
    );
    expect(lines).toEqual(['[0:13] agent scale_deployment demo/web 3 -> 2: scale demo/web down from 3 to 2 -> done']);

    const held = decision({ reason: 'ScaleDownStabilized', message: 'stays at 6: stabilization window' });
    clock.advance(15_000);
    n.cycle(cycle(2, { decisions: [held] }));
    n.cycle(cycle(3, { decisions: [held] }));
    n.cycle(cycle(4, { skipped: 'not the leader' }));
    n.cycle(cycle(5, { decisions: [held] }));
    expect(lines.slice(1)).toEqual(['[0:28] agent holds demo/web (ScaleDownStabilized): stays at 6: stabilization window']);

    n.cycle(cycle(6, { decisions: [decision({ reason: 'CooldownActive', message: 'changed 10s ago' })] }));
    n.cycle(cycle(7, { decisions: [decision({})] }));
    n.cycle(cycle(8, { decisions: [held] }));
    expect(lines.slice(2)).toEqual([
      '[0:28] agent holds demo/web (CooldownActive): changed 10s ago',
      '[0:28] agent holds demo/web (ScaleDownStabilized): stays at 6: stabilization window',
    ]);
  });
});

describe('sentinelops-mcp demo', () => {
  it('states its length, narrates, prints working fault commands, honours chaos from the environment, cleans up', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'demo', '--speed', '20', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, SENTINELOPS_CHAOS_ENABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not finish its script\nstdout: ${stdout}\nstderr: ${stderr}`)), 240_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The closing curl line may arrive in a later chunk than 'Still running': wait for its end.
        if (/Still running[^\n]*\n[^\n]*curl[^\n]*\n/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('close', () => reject(new Error(`demo exited early\nstdout: ${stdout}\nstderr: ${stderr}`)));
    });
    try {
      const lines = stdout.split('\n');
      expect(lines[0]).toMatch(/^SentinelOps demo at 20× speed: about \d+ min of demo time \(~\d+ s real\)$/);
      const simUrl = /simulated cluster {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const serverUrl = /dashboard {10}(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
      const kubeconfig = /kubectl --kubeconfig (\S+) get nodes/.exec(stdout)?.[1];
      expect(simUrl && serverUrl && kubeconfig).toBeTruthy();
      expect(existsSync(kubeconfig!)).toBe(true);

      // Narration: the first action, the crash incident, the spike's scale-up, the stabilization hold, the scale-down.
      expect(stdout).toMatch(/\[\d:\d\d\] incident inc-1 opened \[medium\] pod_crashed on demo\/nginx-demo/);
      expect(stdout).toMatch(/detected \d+\.\ds after the crash/);
      expect(stdout).toMatch(/\[\d:\d\d\] agent scale_deployment demo\/nginx-demo \d+ -> \d+: scale demo\/nginx-demo up .* -> done/);
      expect(stdout).toMatch(/\[\d:\d\d\] agent holds demo\/nginx-demo \(ScaleDownStabilized\)/);
      // Without consent the agent returns to the 3 replicas the demo deployed (a person's count), never below: it says so
      // at first sight and when it scales back.
      expect(stdout).toMatch(/\[\d:\d\d\] agent holds demo\/nginx-demo \(PersonsCount\): .*a person set 3 replicas \(first sight\)/);
      expect(stdout).toMatch(/\[\d:\d\d\] agent scale_deployment demo\/nginx-demo \d+ -> 3: .* -> done/);
      expect(stdout).not.toMatch(/agent scale_deployment demo\/nginx-demo \d+ -> [12]:/);
      expect(stdout).toContain('Demo script done');

      // Every printed curl command works against the running demo: same host, port and body.
      const curls = [...stdout.matchAll(/curl -X POST (\S+) -H 'content-type: application\/json' -d '([^']+)'/g)];
      const urls = curls.map((c) => c[1]);
      expect(urls).toEqual([`${serverUrl}/api/v1/simulate/crash`, `${simUrl}/sim/v1/faults`, `${simUrl}/sim/v1/faults`]);
      for (const [, url, body] of curls) {
        const res = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status, `${url} ${body}: ${await res.clone().text()}`).toBeLessThan(300);
      }
      expect(stdout).toMatch(/chaos {14}on: the dashboard's chaos buttons/);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(dirname(kubeconfig!))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 300_000);
});
