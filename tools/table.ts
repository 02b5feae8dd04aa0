/** The markdown table of every tool with its annotations, for the README (one source: ALL_TOOLS). */
import { ALL_TOOLS } from './index.js';

const yes = (b: boolean) => (b ? 'yes' : '—');

export function toolsTable(): string {
  const rows = ALL_TOOLS.map((t) => {
    const a = t.annotations;
    const firstSentence = t.description.split(/(?<=\.)\s/)[0] ?? t.description;
    return `| \`${t.name}\` | ${firstSentence.replace(/\|/g, '\\|')} | ${yes(a.readOnlyHint)} | ${yes(a.destructiveHint)} | ${yes(a.idempotentHint)} |`;
  });
  return ['| tool | what it does | read-only | destructive | idempotent |', '|---|---|---|---|---|', ...rows].join('\n');
}
