/**
 * The layering of docs/architecture.md, enforced (`npm run lint`). Each folder names the folders it may import;
 * the list is checked to be acyclic below, so no two folders can ever import each other, however indirectly.
 * Arrows point one way: entry -> app -> {mcp, rest, alerts} -> catalog -> services -> {k8s, store, metrics} -> base.
 */
const LAYERS = {
  base: [],
  config: ['base'],
  ports: ['base'],
  store: ['base'],
  observability: ['base', 'store'],
  k8s: ['base', 'config'],
  metrics: ['base', 'config', 'k8s', 'ports', 'observability'],
  chaos: ['base', 'config', 'k8s', 'store'],
  notify: ['base', 'config', 'store'],
  approvals: ['base', 'config', 'ports', 'k8s', 'store', 'services', 'catalog', 'notify'],
  'kube-store': ['base', 'config', 'k8s', 'store'],
  services: ['base', 'config', 'ports', 'k8s', 'store', 'metrics', 'chaos'],
  catalog: ['base', 'config', 'ports', 'services', 'store', 'observability'],
  tools: ['base', 'config', 'ports', 'catalog', 'services', 'store', 'metrics', 'notify', 'approvals'],
  resources: ['base', 'config', 'ports', 'catalog', 'services', 'store'],
  prompts: ['base', 'config', 'ports', 'catalog', 'services', 'store'],
  policy: ['base', 'config'],
  auth: ['base', 'config', 'k8s'],
  agent: ['base', 'config', 'ports', 'policy', 'catalog', 'tools'],
  http: ['base', 'config', 'observability', 'auth'],
  dashboard: ['base', 'http'],
  mcp: ['base', 'config', 'ports', 'auth', 'catalog', 'services', 'store', 'http', 'observability', 'tools', 'resources', 'prompts', 'approvals'],
  rest: ['base', 'config', 'ports', 'auth', 'catalog', 'services', 'store', 'http', 'observability', 'tools', 'dashboard', 'notify', 'approvals'],
  alerts: ['base', 'config', 'ports', 'k8s', 'store', 'services', 'http', 'observability'],
  sim: ['base'],
  app: ['base', 'config', 'ports', 'auth', 'store', 'kube-store', 'observability', 'k8s', 'metrics', 'chaos', 'services', 'catalog', 'tools', 'resources', 'prompts', 'policy', 'agent', 'http', 'dashboard', 'mcp', 'rest', 'alerts', 'notify', 'approvals'],
  rehearsal: ['base', 'config', 'ports', 'policy', 'agent', 'catalog', 'tools', 'sim', 'app'],
  commands: ['base', 'config', 'ports', 'store', 'kube-store', 'k8s', 'metrics', 'services', 'catalog', 'tools', 'policy', 'agent', 'http', 'mcp', 'sim', 'app', 'rehearsal'],
};

/** Top-level folders that live beside src/ rather than inside it. */
const ROOT_FOLDERS = new Set(['tools', 'resources', 'prompts']);
const pathOf = (layer) => (ROOT_FOLDERS.has(layer) ? `^${layer}/` : `^src/${layer}/`);

function assertAcyclic(layers) {
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') throw new Error(`.dependency-cruiser.cjs: layer cycle ${[...trail, name].join(' -> ')}`);
    state.set(name, 'open');
    for (const dep of layers[name] ?? []) {
      if (!(dep in layers)) throw new Error(`.dependency-cruiser.cjs: ${name} names unknown layer ${dep}`);
      visit(dep, [...trail, name]);
    }
    state.set(name, 'done');
  };
  for (const name of Object.keys(layers)) visit(name, []);
}
assertAcyclic(LAYERS);

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer} may import only: ${allowed.join(', ') || '(nothing of ours)'}`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: {
    path: '^(src/|tools/|resources/|prompts/)',
    pathNot: [pathOf(layer), ...allowed.map(pathOf), '^src/cli\\.ts$'],
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'no import cycles between modules either',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'unlisted-folder',
      comment: 'every folder under src/ has a place in the layering above',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: Object.keys(LAYERS).map((l) => `^src/${l}/`) },
      to: {},
    },
    {
      name: 'sdk-server-only-in-mcp',
      comment: 'only the MCP adapter (and the composition root that links the agent in-process) imports the SDK server side',
      severity: 'error',
      from: { path: '^(src|tools|resources|prompts)/', pathNot: ['^src/mcp/', '^src/app/'] },
      to: { path: ['@modelcontextprotocol/sdk/dist/esm/server/', '@modelcontextprotocol/sdk/dist/esm/inMemory', '@modelcontextprotocol/sdk/dist/cjs/server/', '@modelcontextprotocol/sdk/dist/cjs/inMemory'] },
    },
    {
      name: 'policy-is-pure',
      comment: 'the agent policy does no I/O: no node: modules and no packages',
      severity: 'error',
      from: { path: '^src/policy/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-undeclared-packages',
      comment: 'every imported package is declared in package.json',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves (a package that is not installed is not declared)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-uses-no-dev-dependencies',
      comment: 'shipped code imports only production dependencies',
      severity: 'error',
      from: { path: '^(src|tools|resources|prompts)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    exclude: { path: ['^dist/'] },
  },
};
