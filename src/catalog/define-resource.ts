/**
 * Resources and prompts as data, like tools: the adapter (create-server.ts) registers them.
 */
import type { z } from 'zod';
import type { ServiceContext } from '../services/context.js';

/** Reads may go to a remote store (the state port is async). */
type MaybePromise<T> = T | Promise<T>;

export interface ResourceDefinition {
  name: string;
  title: string;
  description: string;
  /** a fixed URI, or an RFC 6570 template such as sentinelops://incidents/{id} */
  uri: string;
  /** for templates: the concrete resources to list */
  list?: (ctx: ServiceContext) => MaybePromise<{ uri: string; name: string; description?: string }[]>;
  /** for templates: completion of a variable from what the user typed so far */
  complete?: Record<string, (ctx: ServiceContext, value: string) => MaybePromise<string[]>>;
  /** the JSON body; throw ServiceError for a missing item */
  read: (ctx: ServiceContext, vars: Record<string, string>) => unknown;
}

export interface PromptDefinition<A extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  /** prompt arguments are strings in MCP */
  args: A;
  /** the user message the prompt expands to */
  build: (args: z.output<z.ZodObject<A>>, ctx: ServiceContext) => MaybePromise<string>;
  /** completion of an argument value */
  complete?: Partial<Record<keyof A & string, (ctx: ServiceContext, value: string) => MaybePromise<string[]>>>;
}

export function defineResource(def: ResourceDefinition): ResourceDefinition {
  return def;
}

export function definePrompt<A extends z.ZodRawShape>(def: PromptDefinition<A>): PromptDefinition<A> {
  return def;
}
