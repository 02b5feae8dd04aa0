/** The README's tools table is generated from the tool definitions; this keeps the two from drifting. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolsTable } from '../../tools/table.js';
import { ALL_TOOLS } from '../../tools/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the current tools table (regenerate with npm run docs:tools)', () => {
    const m = readme.match(/<!-- tools-table:start -->\n([\s\S]*?)\n<!-- tools-table:end -->/);
    expect(m, 'tools-table markers').not.toBeNull();
    expect(m![1]).toBe(toolsTable());
  });

  it('lists every tool once in the table', () => {
    for (const t of ALL_TOOLS) expect(readme).toContain(`| \`${t.name}\` |`);
  });
});
