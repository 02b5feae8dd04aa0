/** The Kubernetes store: CRDs of the sentinelops.dev group and a typed client for their objects. */
export { apiFailure, CustomObjectClient, type ClientOptions, type CustomObject, type NewObject, type ObjectMeta } from './client.js';
export { claimCooldown, cooldownName, type ClaimRequest, type ClaimResult, type Cooldown, type CooldownSpec } from './cooldown.js';
export { AGENT_STATE, AUDIT_RECORD, COOLDOWN, CRDS, GROUP, INCIDENT, KINDS, VERSION, type KindInfo } from './crds.js';
export { installCrds, type InstallOptions, type InstallResult } from './install.js';
export { pruneIncidents, type PruneOptions, type PruneResult } from './prune.js';
