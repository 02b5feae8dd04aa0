/**
 * Cluster clients that act as a person: every request carries Impersonate-User and Impersonate-Group, so
 * the API server's RBAC decides what the person may do (the server's own identity needs only the
 * `impersonate` verb). One client per identity, kept in a bounded least-recently-used cache.
 */
import { ServiceError } from '../base/errors.js';
import type { Config } from '../config/schema.js';
import { ClusterClient } from '../k8s/client.js';
import type { KubeIdentity, Principal } from './principal.js';

type ImpersonateConfig = Config['auth']['impersonate'];

/**
 * The Kubernetes identity for a person, prefixes applied. A name in the `system:` space is refused: with a
 * server identity allowed to impersonate broadly, a token claiming the group system:masters would
 * otherwise become cluster-admin. (A prefix such as "oidc:" keeps every name out of that space.)
 */
export function kubeIdentityOf(principal: Principal, cfg: Pick<ImpersonateConfig, 'userPrefix' | 'groupPrefix'>): KubeIdentity {
  const user = `${cfg.userPrefix}${principal.subject}`;
  const groups = principal.groups.map((g) => `${cfg.groupPrefix}${g}`);
  const reserved = [user, ...groups].find((n) => n.startsWith('system:'));
  if (reserved !== undefined) {
    throw new ServiceError(
      'refused',
      `will not impersonate "${reserved}": names starting with system: are reserved for Kubernetes itself; set auth.impersonate.userPrefix/groupPrefix (e.g. "oidc:")`,
    );
  }
  return { user, groups };
}

export class ImpersonatingClients {
  private readonly clients = new Map<string, ClusterClient>();

  constructor(
    private readonly base: ClusterClient,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  for(identity: KubeIdentity): ClusterClient {
    const key = JSON.stringify([identity.user, [...identity.groups].sort()]);
    let client = this.clients.get(key);
    if (client) {
      this.clients.delete(key); // re-inserted below: Map order is recency order
    } else {
      client = new ClusterClient(this.base.kubeConfig, { requestTimeoutMs: this.base.requestTimeoutMs, impersonate: identity });
      if (this.clients.size >= this.max) this.clients.delete(this.clients.keys().next().value!);
    }
    this.clients.set(key, client);
    return client;
  }
}
