/**
 * Path templates like `/logs/{pod_name}`: compiled once, matched per request.
 */
export interface CompiledPath {
  template: string;
  names: string[];
  regex: RegExp;
}

export function compilePath(template: string): CompiledPath {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { template, names, regex: new RegExp(`^${pattern}/?$`) };
}

/** The decoded path parameters, or undefined when the path does not match. */
export function matchPath(p: CompiledPath, pathname: string): Record<string, string> | undefined {
  const m = p.regex.exec(pathname);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  p.names.forEach((name, i) => {
    params[name] = decodeURIComponent(m[i + 1]!);
  });
  return params;
}
