#!/usr/bin/env node
/**
 * `sentinelops-mcp [command] [flags]`. With no command it is the MCP server on stdio, which is what
 * Claude Desktop and other MCP clients launch. Each command lives in src/commands/<name>.ts and is loaded
 * only when asked for, so the stdio server starts without loading the simulator or the dashboard.
 */
const COMMANDS: Record<string, { describe: string; load: () => Promise<{ run(argv: string[]): Promise<void> }> }> = {
  serve: { describe: 'MCP server (stdio by default; --http for Streamable HTTP; --agent to run the agent too)', load: () => import('./commands/serve.js') },
  agent: { describe: 'headless autonomous agent (monitor -> analyze -> decide -> act -> verify -> log)', load: () => import('./commands/agent.js') },
  sim: { describe: 'embedded simulated Kubernetes cluster with a kubeconfig for kubectl', load: () => import('./commands/sim.js') },
  demo: { describe: "the newcomer's demo: simulator + server + agent + dashboard, playing the seed's live demo", load: () => import('./commands/demo.js') },
  rehearse: { describe: 'run a scenario on the simulator under virtual time and print a report', load: () => import('./commands/rehearse.js') },
  crds: { describe: "install or print the Kubernetes store's CustomResourceDefinitions", load: () => import('./commands/crds.js') },
  config: {
    describe: 'print or write the MCP client entry (claude-desktop, claude-code, vscode) for this installation',
    load: () => import('./commands/client-config.js'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.describe}`);
  return `Usage: sentinelops-mcp [command] [flags]\n\nCommands:\n${lines.join('\n')}\n\nWith no command: the MCP server on stdio.\nRun 'sentinelops-mcp <command> --help' for a command's flags.\n`;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return;
  }
  const name = first && !first.startsWith('-') ? first : 'serve';
  const args = first && !first.startsWith('-') ? rest : argv;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const mod = await command.load();
  await mod.run(args);
}

main(process.argv.slice(2)).catch(async (err: unknown) => {
  const { explainStartError } = await import('./commands/start-errors.js');
  process.stderr.write(`sentinelops-mcp: ${explainStartError(err)}\n`);
  process.exitCode = 1;
});
