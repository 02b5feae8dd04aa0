// Registered with `node --import`: appends the URL of every ESM module loaded to $LOAD_TRACE_FILE, and a line
// `# answered <id>` when the process writes the JSON-RPC answer with that id to stdout, so a test can tell which
// modules were loaded before an answer (the main thread waits for the hooks thread on every load, so the order holds).
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

register('./load-trace-hooks.mjs', import.meta.url);

const out = process.env.LOAD_TRACE_FILE;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const id = /"id":(\d+)/.exec(String(chunk))?.[1];
  if (out && id !== undefined) appendFileSync(out, `# answered ${id}\n`);
  return write(chunk, ...rest);
};
