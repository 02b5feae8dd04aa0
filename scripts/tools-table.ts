/**
 * Prints the README's table of MCP tools from the tool definitions themselves, so the documentation
 * cannot drift from what the server registers (test/docs/readme.test.ts checks the README against it).
 */
import { toolsTable } from '../tools/table.js';

process.stdout.write(`${toolsTable()}\n`);
