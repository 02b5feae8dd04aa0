/** Reported to MCP clients in the initialize handshake. */
export const SERVER_NAME = 'sentinelops';
export const SERVER_VERSION = '0.1.0';
