/**
 * Writes the store's CRDs (src/kube-store/crds.ts) to deploy/crds/ and the Helm chart's crds/, one file per CRD.
 * `--check` only compares and exits 1 when a file is stale or missing (test/kube-store/crds-command.test.ts does
 * the same comparison).
 *
 *   npx tsx scripts/crds.ts [--check]
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crdFiles } from '../src/commands/crds.js';

export const CRD_DIRS = [resolve(import.meta.dirname, '../deploy/crds'), resolve(import.meta.dirname, '../deploy/helm/sentinelops/crds')];

/** Paths whose content differs from what the code declares, and stray .yaml files no CRD declares. */
export function staleCrdFiles(): string[] {
  const want = crdFiles();
  const stale: string[] = [];
  for (const dir of CRD_DIRS) {
    let present: string[] = [];
    try {
      present = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    } catch {}
    for (const [name, text] of Object.entries(want)) {
      let have = '';
      try {
        have = readFileSync(join(dir, name), 'utf8');
      } catch {}
      if (have !== text) stale.push(join(dir, name));
    }
    for (const f of present) if (!(f in want)) stale.push(join(dir, f));
  }
  return stale;
}

function main(argv: string[]): void {
  if (argv.includes('--check')) {
    const stale = staleCrdFiles();
    if (stale.length) {
      process.stderr.write(`stale CRD files (run npx tsx scripts/crds.ts):\n${stale.join('\n')}\n`);
      process.exitCode = 1;
    }
    return;
  }
  for (const dir of CRD_DIRS) {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(crdFiles())) writeFileSync(join(dir, name), text);
    process.stderr.write(`wrote ${dir}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
