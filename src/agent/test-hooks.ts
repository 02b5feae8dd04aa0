/**
 * TEST-ONLY crash points. With SENTINELOPS_TEST_KILL_AT=intent the agent process SIGKILLs itself right after it
 * recorded its intents and before calling any tool; with =action, right after the tool calls and before their
 * outcome is settled on the incident. test/state/kill.test.ts uses them to prove that a successor reconciles
 * the intent from the cluster and repeats nothing. Never set them in production: the process dies on purpose.
 */
export type KillPoint = 'intent' | 'action';

export function killPoint(point: KillPoint): void {
  if (process.env.SENTINELOPS_TEST_KILL_AT !== point) return;
  process.kill(process.pid, 'SIGKILL');
}
