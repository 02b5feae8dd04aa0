/**
 * Structured logs. stdout is the MCP protocol channel in stdio mode, so logs go to stderr (fd 2) or a file.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  /** A file path; stderr when absent. */
  file?: string;
  name?: string;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const destination = opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ name: opts.name ?? 'sentinelops', level: opts.level ?? 'info' }, destination);
}

/** A logger that drops everything: for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
