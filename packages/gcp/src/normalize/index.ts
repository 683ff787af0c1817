// `@leakproof/gcp/normalize`: the call table and the normalizers, pure functions from raw Google Cloud API
// responses to facts with evidence. Nothing here loads a cloud SDK, so the Terraform plan reader and
// the test servers use them without one.
export { GCP_CALLS, GCP_ERROR_CLASSES, GCP_RATE_LIMITS, GCP_RUNTIME, describeGoogleError, gcpCustomRole } from '../calls.js';
export type { GcpCall, GcpCallId, NeededFacts } from '../calls.js';
export { GCS_ROLE_CAPABILITIES, normalizeGcsBucket } from './storage.js';
export type { Capability, GcsBucket, GcsIamPolicy, RawGcsBucket } from './storage.js';
export { normalizeSqlInstance } from './sql.js';
export type { SqlInstance } from './sql.js';
export { normalizeFirewall } from './firewall.js';
export type { GcpFirewall } from './firewall.js';
