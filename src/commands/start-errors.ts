/** Start-up failures in words a user can act on; the rest pass through as their message. */
export function explainStartError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.code === 'EADDRINUSE') {
    const where = e.port !== undefined ? `${e.address ?? ''}:${e.port}` : 'the address';
    return `${where} is already in use (another process listens there); choose another port with --port N (0 picks a free one)`;
  }
  if (e?.code === 'EACCES' && e.port !== undefined) {
    return `no permission to listen on port ${e.port}; choose a port above 1023 with --port N`;
  }
  return err instanceof Error ? err.message : String(err);
}
