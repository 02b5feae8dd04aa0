#!/usr/bin/env bash
# What a user without a clone gets: `npm pack`, the tarball installed in an empty folder, then
# `npx sentinelops-mcp demo --once` and the stdio MCP server (an SDK client lists tools and calls one).
# Needs the npm registry for the tarball's dependencies. Leaves nothing behind.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentinelops-pack-smoke-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
npm pack --silent --pack-destination "$WORK" >/dev/null # prepack builds dist/
TARBALL=$(ls "$WORK"/sentinelops-mcp-*.tgz)
echo "pack-smoke: $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"

mkdir "$WORK/app"
cd "$WORK/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$TARBALL"

npx --no-install sentinelops-mcp --help | grep -q '^Usage: sentinelops-mcp'
echo "pack-smoke: --help ok"

# The whole demo script at 20x speed (about 25 s); it must end with its closing line and exit 0.
before=$(ls -d "${TMPDIR:-/tmp}"/sentinelops-demo-* 2>/dev/null | wc -l)
timeout 300 npx --no-install sentinelops-mcp demo --once --speed 20 --port 0 >demo.out 2>demo.err || {
  echo "pack-smoke: demo failed"; cat demo.out demo.err; exit 1;
}
grep -q 'Demo script done' demo.out || { echo "pack-smoke: demo did not finish its script"; cat demo.out demo.err; exit 1; }
after=$(ls -d "${TMPDIR:-/tmp}"/sentinelops-demo-* 2>/dev/null | wc -l)
[ "$after" -le "$before" ] || { echo "pack-smoke: demo left a temporary directory behind"; exit 1; }
echo "pack-smoke: demo --once ok"

# The stdio server, driven by the MCP SDK client the package itself depends on.
cat >stdio-check.mjs <<'JS'
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
const transport = new StdioClientTransport({
  command: process.execPath,
  args: ['node_modules/sentinelops-mcp/dist/src/cli.js', '--cluster', 'sim', '--db', 'smoke.db', '--log-level', 'warn'],
  stderr: 'inherit',
});
const client = new Client({ name: 'pack-smoke', version: '1' });
await client.connect(transport);
const names = (await client.listTools()).tools.map((t) => t.name);
if (!names.includes('cluster_health')) throw new Error(`cluster_health missing from tools/list: ${names.join(', ')}`);
const health = await client.callTool({ name: 'cluster_health', arguments: {} });
if (health.isError || !health.structuredContent?.apiServer?.reachable) throw new Error(`cluster_health failed: ${JSON.stringify(health)}`);
await client.close();
console.log(`pack-smoke: stdio server ok (${names.length} tools)`);
JS
timeout 120 node stdio-check.mjs
