#!/usr/bin/env bash
# Builds dist/sentinelops.mcpb, an MCP Bundle for one-click install in Claude Desktop, from this checkout:
# npm pack (which builds), the packed files plus production dependencies, and mcpb/manifest.json, validated and
# packed with the mcpb tool. better-sqlite3 is a native module, so the bundle holds this machine's build of it:
# build the bundle on the OS and CPU it will be installed on (the manifest is marked for this platform only).
# Needs network access to the npm registry (dependencies, and the mcpb tool unless it is installed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MCPB_VERSION=2.1.2
mcpb() {
  if [ -x "$ROOT/node_modules/.bin/mcpb" ]; then "$ROOT/node_modules/.bin/mcpb" "$@"; else npx -y "@anthropic-ai/mcpb@$MCPB_VERSION" "$@"; fi
}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentinelops-mcpb-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
npm pack --silent --pack-destination "$WORK" >/dev/null
mkdir "$WORK/bundle"
tar -xzf "$WORK"/sentinelops-mcp-*.tgz -C "$WORK/bundle" --strip-components=1
# The manifest carries the package version and this platform (the native module is built for it).
node -e '
  const fs = require("node:fs");
  const [manifestIn, pkgPath, out] = process.argv.slice(1);
  const m = JSON.parse(fs.readFileSync(manifestIn, "utf8"));
  m.version = JSON.parse(fs.readFileSync(pkgPath, "utf8")).version;
  m.compatibility = { ...m.compatibility, platforms: [process.platform] };
  fs.writeFileSync(out, JSON.stringify(m, null, 2) + "\n");
' "$ROOT/mcpb/manifest.json" "$ROOT/package.json" "$WORK/bundle/manifest.json"
# The packed package.json still names the build scripts (prepare would run tsc, a devDependency): the bundle
# is already built, so drop them before installing its production dependencies.
(cd "$WORK/bundle" && node -e '
  const fs = require("node:fs");
  const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  delete p.scripts;
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
' && npm install --omit=dev --no-audit --no-fund --loglevel=error)
mcpb validate "$WORK/bundle/manifest.json"
mkdir -p "$ROOT/dist"
mcpb pack "$WORK/bundle" "$ROOT/dist/sentinelops.mcpb"
echo "built $ROOT/dist/sentinelops.mcpb (for $(node -p 'process.platform + "-" + process.arch'))"
