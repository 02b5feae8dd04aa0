/**
 * Label and field selectors with the Kubernetes grammar: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
 * Parsed once per request into predicates; a malformed selector is a 400, never a silent match-all.
 */
import { ApiError } from './errors.js';
import type { KObject } from './types.js';

export type LabelRequirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw ApiError.badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!VALUE.test(value) || value.length > 63)
    throw ApiError.badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${selector}"`);
  return value;
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (!selector || selector.trim() === '') return [];
  const reqs: LabelRequirement[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3]!.split(',').map((v) => checkValue(v.trim(), selector));
      reqs.push({ key: checkKey(m[1]!, selector), op: m[2] as 'in' | 'notin', values });
    } else if ((m = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      const key = checkKey(m[1]!, selector);
      const value = checkValue(m[3]!, selector);
      reqs.push(m[2] === '!=' ? { key, op: 'notin', values: [value] } : { key, op: 'in', values: [value] });
    } else if ((m = term.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: checkKey(m[1]!, selector), op: '!exists' });
    } else if ((m = term.match(/^(\S+)$/))) {
      reqs.push({ key: checkKey(m[1]!, selector), op: 'exists' });
    } else {
      throw ApiError.badRequest(`unable to parse requirement: "${term}" in selector "${selector}"`);
    }
  }
  return reqs;
}

export function matchLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels![r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
    }
  }
  return true;
}

export function labelPredicate(selector: string | undefined): LabelPredicate {
  const reqs = parseLabelSelector(selector);
  return (labels) => matchLabels(reqs, labels);
}

/** `matchLabels` / `matchExpressions` of a LabelSelector object (Deployment.spec.selector) as requirements. */
export function requirementsFromLabelSelector(
  sel:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key, op: 'in', values: [value] });
  for (const e of sel?.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
        break;
      case 'Exists':
        reqs.push({ key: e.key, op: 'exists' });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, op: '!exists' });
        break;
      default:
        throw ApiError.badRequest(`unknown label selector operator "${e.operator}"`);
    }
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Fields a selector may use, per kind; anything else is a 400 as on a real API server. */
const FIELD_GETTERS: Record<string, (o: KObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
  'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
  'spec.unschedulable': (o) => String((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false),
  'involvedObject.name': (o) => (o as { involvedObject?: { name?: string } }).involvedObject?.name ?? '',
  'involvedObject.namespace': (o) => (o as { involvedObject?: { namespace?: string } }).involvedObject?.namespace ?? '',
  'involvedObject.kind': (o) => (o as { involvedObject?: { kind?: string } }).involvedObject?.kind ?? '',
  'involvedObject.uid': (o) => (o as { involvedObject?: { uid?: string } }).involvedObject?.uid ?? '',
  reason: (o) => (o as { reason?: string }).reason ?? '',
  type: (o) => (o as { type?: string }).type ?? '',
};

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector || selector.trim() === '') return [];
  return splitTerms(selector).map((term) => {
    const m = term.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw ApiError.badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (!FIELD_GETTERS[field]) throw ApiError.badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() };
  });
}

export function matchFields(reqs: FieldRequirement[], obj: KObject): boolean {
  for (const r of reqs) {
    const v = FIELD_GETTERS[r.field]!(obj) ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
