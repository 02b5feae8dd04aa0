/**
 * What a face that runs tools (the MCP adapter, REST, the in-process agent link) is built from: the service
 * context without the per-call parts, plus the catalog of tools, resources and prompts it serves.
 */
import type { ServiceContext } from '../services/context.js';
import type { PromptDefinition, ResourceDefinition } from './define-resource.js';
import type { AnyTool } from './define-tool.js';

export type ServerDeps = Omit<ServiceContext, 'caller' | 'random'> & {
  random?: () => number;
  /** fixed audit identity (the agent passes "agent"); default: the connected MCP client's name */
  caller?: string;
  /** default ALL_TOOLS, filtered by the config */
  tools?: readonly AnyTool[];
  resources?: readonly ResourceDefinition[];
  // any: heterogeneous argument shapes
  prompts?: readonly PromptDefinition<any>[];
};
