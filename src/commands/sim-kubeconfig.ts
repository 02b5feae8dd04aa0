/** Where the simulator's kubeconfig goes, so kubectl can watch what an MCP client or the agent does to it. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** `sim`'s default, and `serve --cluster sim`'s when the store is not a file. */
export const SIM_KUBECONFIG = join(homedir(), '.sentinelops', 'sim-kubeconfig.yaml');

/** Beside the SQLite file (~/.sentinelops by default), so a throwaway --db keeps its kubeconfig beside it too. */
export function simKubeconfigFor(storePath: string): string {
  return storePath === ':memory:' ? SIM_KUBECONFIG : join(dirname(storePath), 'sim-kubeconfig.yaml');
}

/** Writes it owner-only: a kubeconfig is a credential file, even if the simulator ignores credentials. */
export async function writeSimKubeconfig(path: string, yaml: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, yaml, { mode: 0o600 });
  await chmod(path, 0o600);
}
