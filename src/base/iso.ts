/** Formats an epoch-millisecond instant as ISO 8601. Pure: it formats a given time and never reads the clock. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
