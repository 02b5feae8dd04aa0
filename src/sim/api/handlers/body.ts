/** Request bodies: JSON (what kubectl and client-node send) or YAML, anything else is a 415. */
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../../errors.js';
import type { KObject } from '../../types.js';
import { isPlainObject, mediaType, parseJson, readBody, type Ctx } from '../http.js';

function unsupported(type: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${type}) - accepted media types include: application/json, application/yaml`,
  );
}

export function parseYamlBody(buf: Buffer): unknown {
  try {
    return parseYaml(buf.toString('utf8'));
  } catch (e) {
    throw ApiError.badRequest(`couldn't parse the request body as YAML: ${(e as Error).message}`);
  }
}

/** The body of a create or update: one JSON/YAML object with metadata. */
export async function readObjectBody(ctx: Ctx): Promise<KObject> {
  const type = mediaType(ctx.req.headers['content-type']);
  const buf = await readBody(ctx);
  let body: unknown;
  if (type === '' || type === 'application/json' || type === '*/*') body = parseJson(buf);
  else if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') body = parseYamlBody(buf);
  else throw unsupported(type);
  if (!isPlainObject(body)) throw ApiError.badRequest('the request body must be a JSON object');
  if (body.metadata === undefined) body.metadata = {};
  if (!isPlainObject(body.metadata)) throw ApiError.badRequest('metadata must be an object');
  return body as KObject;
}

/** An optional body (DELETE options, evictions): empty is allowed. */
export async function readOptionalJson(ctx: Ctx): Promise<Record<string, any> | undefined> {
  const buf = await readBody(ctx);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  const body = parseJson(buf);
  if (!isPlainObject(body)) throw ApiError.badRequest('the request body must be a JSON object');
  return body;
}
