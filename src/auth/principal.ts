/**
 * The person behind a request, as an access token describes them. `caller` is what audit rows record: the
 * person, and the Kubernetes identity their cluster calls were made with (impersonated, or the server's own).
 */
export interface Principal {
  /** the configured user claim (auth.userClaim, default sub) */
  subject: string;
  /** the configured groups claim (auth.groupsClaim); empty when the token has none */
  groups: readonly string[];
  scopes: readonly string[];
  /** the OAuth client the token was issued to (azp / client_id), for the log */
  clientId?: string;
}

/** The Kubernetes identity a person's cluster calls use. */
export interface KubeIdentity {
  user: string;
  groups: readonly string[];
}

/** `alice (k8s: as alice, groups dev)` or `alice (k8s: server identity)`: one column holds both (no schema change). */
export function callerOf(principal: Principal, acting: KubeIdentity | undefined): string {
  if (!acting) return `${principal.subject} (k8s: server identity)`;
  const groups = acting.groups.length ? `, groups ${acting.groups.join(',')}` : '';
  return `${principal.subject} (k8s: as ${acting.user}${groups})`;
}
