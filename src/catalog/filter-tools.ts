/**
 * Which tools a configuration exposes, derived only from the annotations and the toolset each tool is listed
 * under (never a hand-kept list of names). Fails safe: a tool whose hint is missing counts as mutating and
 * destructive. The order is the catalog's (tools/index.ts), so tools/list is the same on every start.
 */
import type { Config } from '../config/schema.js';
import type { AnyTool } from './define-tool.js';

export interface ToolFilterConfig {
  safety: Pick<Config['safety'], 'readOnly' | 'nonDestructive'>;
  /** absent: every toolset */
  tools?: Pick<Config['tools'], 'toolsets'>;
}

export function filterTools<T extends Pick<AnyTool, 'annotations'> & { toolset?: string }>(tools: readonly T[], config: ToolFilterConfig): T[] {
  const toolsets = config.tools?.toolsets ? new Set<string>(config.tools.toolsets) : undefined;
  return tools.filter((t) => {
    const a = (t.annotations ?? {}) as Partial<AnyTool['annotations']>;
    const readOnly = a.readOnlyHint === true;
    if (config.safety.readOnly && !readOnly) return false;
    if (config.safety.nonDestructive && !readOnly && a.destructiveHint !== false) return false;
    // A tool listed under no toolset is shown only when every toolset is (a custom catalog in a test, say).
    if (toolsets && t.toolset !== undefined && !toolsets.has(t.toolset)) return false;
    return true;
  });
}
