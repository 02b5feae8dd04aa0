/**
 * Label selectors evaluated against cached objects, with the API server's grammar: `a=b`, `a==b`, `a!=b`, `a`,
 * `!a`, `a in (x,y)`, `a notin (x,y)`, comma-separated (all must hold). Anything else is not understood here and
 * parseSelector returns undefined: the caller then asks the API server, whose error message is the one to show.
 */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const KEY = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
const VALUE = `([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQ = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

/** Splits on commas outside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((t) => t.length > 0);
}

export function parseSelector(selector: string | undefined): LabelMatcher | undefined {
  if (selector === undefined || selector.trim() === '') return () => true;
  const checks: LabelMatcher[] = [];
  for (const t of terms(selector)) {
    let m = EQ.exec(t);
    if (m) {
      const [key, op, value] = [m[1]!, m[3]!, m[4] ?? ''];
      checks.push(op === '!=' ? (l) => l?.[key] !== value : (l) => l?.[key] === value);
      continue;
    }
    m = SET.exec(t);
    if (m) {
      const key = m[1]!;
      const values = new Set(m[4]!.split(',').map((v) => v.trim()));
      checks.push(m[3] === 'in' ? (l) => l?.[key] !== undefined && values.has(l[key]!) : (l) => l?.[key] === undefined || !values.has(l[key]!));
      continue;
    }
    m = EXISTS.exec(t);
    if (m) {
      const key = m[2]!;
      checks.push(m[1] === '!' ? (l) => l?.[key] === undefined : (l) => l?.[key] !== undefined);
      continue;
    }
    return undefined;
  }
  return (labels) => checks.every((c) => c(labels));
}
