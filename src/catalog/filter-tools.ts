/**
 * Which tools a configuration exposes, derived only from the annotations (never a hand-kept list).
 * Fails safe: a tool whose hint is missing counts as mutating and destructive.
 */
import type { Config } from '../config/schema.js';
import type { AnyTool } from './define-tool.js';

export interface ToolFilterConfig {
  safety: Pick<Config['safety'], 'readOnly' | 'nonDestructive'>;
}

export function filterTools<T extends Pick<AnyTool, 'annotations'>>(tools: readonly T[], config: ToolFilterConfig): T[] {
  return tools.filter((t) => {
    const a = (t.annotations ?? {}) as Partial<AnyTool['annotations']>;
    const readOnly = a.readOnlyHint === true;
    if (config.safety.readOnly && !readOnly) return false;
    if (config.safety.nonDestructive && !readOnly && a.destructiveHint !== false) return false;
    return true;
  });
}
