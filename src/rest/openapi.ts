/**
 * OpenAPI 3.1 for /api/v1, generated from the same zod schemas the tools validate with: a route's
 * parameters and request body are its tool's input, its 200 response the tool's output (or the route's
 * own `response` when it reshapes it). A route whose tool is not in this build is listed with 501 only.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { AnyTool } from '../catalog/define-tool.js';
import { SERVER_NAME, SERVER_VERSION } from '../catalog/info.js';
import { DashboardStatsSchema } from './dashboard-stats.js';
import type { ToolRoute } from './routes.js';

type Json = Record<string, unknown>;

export function jsonSchema(schema: z.ZodTypeAny): Json {
  const out = zodToJsonSchema(schema, { target: 'jsonSchema2019-09', $refStrategy: 'none' }) as Json;
  delete out.$schema;
  return out;
}

function isOptional(schema: z.ZodTypeAny): boolean {
  return schema.isOptional();
}

/** A parameter's schema: optionality is the parameter's `required`, not an anyOf in its schema. */
function parameterSchema(schema: z.ZodTypeAny): Json {
  let inner = schema;
  while (inner instanceof z.ZodOptional) inner = inner.unwrap();
  const out = jsonSchema(inner);
  if (schema.description && !out.description) out.description = schema.description;
  return out;
}

const ErrorSchema = z.object({
  error: z.string().describe('what went wrong and how to correct it'),
  code: z.string().describe('invalid, not_found, refused, cooldown, conflict, unavailable, unauthorized, not_implemented, too_large, internal...'),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('validation failures, one per field'),
  accepted: z.array(z.string()).optional().describe('with an unknown parameter: the names this route accepts'),
  details: z.record(z.unknown()).optional(),
});

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function toolOperation(route: ToolRoute, tool: AnyTool | undefined, secured: boolean): Json {
  const op: Json = {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))}`,
    tags: [route.tag],
  };
  if (!tool) {
    op.description = `Backed by the MCP tool \`${route.tool}\`, which is not part of this server build.`;
    op.responses = { 501: errorResponse('the tool behind this route is not available') };
    return op;
  }
  const aliasesOf = (field: string) =>
    Object.entries(route.aliases ?? {})
      .filter(([, to]) => to === field)
      .map(([from]) => from);
  const shape = tool.input.shape as Record<string, z.ZodTypeAny>;
  const fixed = new Set(Object.keys(route.fixed ?? {}));
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pathFields = new Set(pathNames.map((n) => route.aliases?.[n] ?? n));
  const parameters: Json[] = [];
  for (const name of pathNames) {
    const field = route.aliases?.[name] ?? name;
    parameters.push({ name, in: 'path', required: true, schema: shape[field] ? parameterSchema(shape[field]) : { type: 'string' } });
  }
  for (const [field, schema] of Object.entries(shape)) {
    if (fixed.has(field) || pathFields.has(field)) continue;
    const s = parameterSchema(schema);
    const description = (s.description as string | undefined) ?? undefined;
    parameters.push({ name: field, in: 'query', required: !isOptional(schema), schema: s, ...(description ? { description } : {}) });
    for (const alias of aliasesOf(field))
      parameters.push({ name: alias, in: 'query', required: false, schema: s, description: `the seed's name for \`${field}\`` });
  }
  op.description = `Runs the MCP tool \`${tool.name}\` (${tool.title}). ${tool.description}`;
  op.parameters = parameters;
  if (route.method === 'POST') {
    const body = jsonSchema(route.fixed ? tool.input.omit(Object.fromEntries([...fixed].map((k) => [k, true]))) : tool.input);
    const properties = body.properties as Record<string, Json>;
    for (const field of pathFields) delete properties[field];
    if (Array.isArray(body.required)) body.required = body.required.filter((f: string) => !pathFields.has(f));
    // The seed's names are accepted in the body as in the query; anything else is refused (additionalProperties: false).
    for (const field of Object.keys(properties))
      for (const alias of aliasesOf(field)) properties[alias] = { ...properties[field], description: `the seed's name for \`${field}\`` };
    op.requestBody = {
      required: false,
      description: 'the same fields as the query parameters, as JSON (the body wins); an unknown key is a 400',
      content: { 'application/json': { schema: body } },
    };
  }
  const responses: Json = {
    200: { description: "the tool's result", content: { 'application/json': { schema: jsonSchema(route.response ?? tool.output) } } },
    400: errorResponse(
      'invalid input, or a query parameter or body key this route does not accept: the reason is in `error` and `issues`, the accepted names in `accepted`',
    ),
  };
  if (secured) responses[401] = errorResponse('missing or wrong bearer token');
  if (!tool.annotations.readOnlyHint) {
    Object.assign(responses, {
      403: errorResponse('refused by a guardrail (protected or non-allowed namespace, replica bounds, read-only, chaos disabled)'),
      409: errorResponse("conflict with the object's current state"),
      429: errorResponse('cooldown: the same target changed too recently; see Retry-After'),
    });
  }
  responses[404] = errorResponse('not found');
  responses[503] = errorResponse('the cluster or metrics source is unavailable');
  responses[500] = errorResponse('a bug: `error` names what failed; the server log has details');
  if (route.method === 'POST') {
    responses[413] = errorResponse('the body is larger than http.bodyLimitBytes');
    responses[415] = errorResponse('a body not sent as application/json');
  }
  op.responses = responses;
  return op;
}

export interface OpenApiInput {
  routes: readonly ToolRoute[];
  toolByName: (name: string) => AnyTool | undefined;
  secured: boolean;
  basePath: string;
}

export function buildOpenApi({ routes, toolByName, secured, basePath }: OpenApiInput): Json {
  const paths: Record<string, Json> = {};
  const add = (path: string, method: string, op: Json) => {
    paths[`${basePath}${path}`] = { ...(paths[`${basePath}${path}`] ?? {}), [method]: op };
  };
  for (const route of routes) add(route.path, route.method.toLowerCase(), toolOperation(route, toolByName(route.tool), secured));
  const authResponse = secured ? { 401: errorResponse('missing or wrong bearer token') } : {};
  add('/', 'get', {
    summary: 'Service information and the list of endpoints',
    operationId: 'getInfo',
    tags: ['service'],
    responses: { 200: { description: 'name, version, endpoints' }, ...authResponse },
  });
  const CLUSTER_PARAM = {
    name: 'cluster',
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description:
      "this cluster (a kubeconfig context, GET /clusters lists them) and only its incidents; default: the default cluster, every cluster's incidents",
  };
  add('/dashboard/stats', 'get', {
    summary: 'Everything the dashboard shows, in one call',
    operationId: 'getDashboardStats',
    tags: ['service'],
    parameters: [{ name: 'namespace', in: 'query', required: false, schema: { type: 'string' }, description: 'only this namespace' }, CLUSTER_PARAM],
    responses: {
      200: {
        description: 'cluster, deployments with CPU, incidents, stats, cost, agent, chaos and time series',
        content: { 'application/json': { schema: jsonSchema(DashboardStatsSchema) } },
      },
      ...authResponse,
    },
  });
  add('/events/stream', 'get', {
    summary: 'Server-sent events: `stats` (the dashboard stats, every few seconds and after each incident change) and `incident` (opened, updated, resolved)',
    operationId: 'streamEvents',
    tags: ['service'],
    parameters: [CLUSTER_PARAM],
    responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...authResponse },
  });
  // The signed links of approval_needed notifications: public, authorized by their HMAC (src/rest/plan-routes.ts).
  for (const decision of ['approve', 'reject']) {
    const parameters = [
      { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
      { name: 'exp', in: 'query', required: true, schema: { type: 'integer' }, description: 'expiry, unix seconds' },
      { name: 'sig', in: 'query', required: true, schema: { type: 'string' }, description: 'HMAC-SHA256 of id, decision and exp' },
    ];
    const refused = { 403: { description: 'signature not valid' }, 410: { description: 'link expired' } };
    add(`/plans/{id}/signed/${decision}`, 'get', {
      summary: `Signed link: a page showing the plan and a button to ${decision} it (opening it decides nothing)`,
      operationId: `${decision}PlanLinkPage`,
      tags: ['approvals'],
      security: [],
      parameters,
      responses: { 200: { description: 'text/html confirmation page' }, ...refused },
    });
    add(`/plans/{id}/signed/${decision}`, 'post', {
      summary: `Signed link: ${decision} the plan (form post from the page; exp, sig and by in the form body)`,
      operationId: `${decision}PlanLink`,
      tags: ['approvals'],
      security: [],
      parameters: parameters.slice(0, 1),
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { exp: { type: 'string' }, sig: { type: 'string' }, by: { type: 'string' } }, required: ['exp', 'sig'] },
          },
        },
      },
      responses: { 200: { description: 'text/html: done' }, 409: { description: 'text/html: not pending, expired or target changed' }, ...refused },
    });
  }
  add('/openapi.json', 'get', {
    summary: 'This document',
    operationId: 'getOpenApi',
    tags: ['service'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'SentinelOps REST API',
      version: SERVER_VERSION,
      description: `The REST face of the ${SERVER_NAME} MCP tools: each endpoint runs the same tool, with the same validation, guardrails and audit. Query parameters and a JSON body are both accepted; the seed's parameter names work too.`,
    },
    servers: [{ url: '/' }],
    ...(secured ? { security: [{ bearer: [] }] } : {}),
    tags: ['service', 'cluster', 'metrics', 'actions', 'incidents', 'cost', 'chaos', 'agent', 'notifications', 'approvals'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorSchema) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'SENTINELOPS_TOKEN or http.tokenFile' } },
    },
  };
}
