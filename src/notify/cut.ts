/** Cuts text to at most `max` characters (an ellipsis marks the cut): vendors refuse longer fields outright. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
