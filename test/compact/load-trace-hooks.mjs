import { appendFileSync } from 'node:fs';

const out = process.env.LOAD_TRACE_FILE;

export async function load(url, context, next) {
  if (out) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
