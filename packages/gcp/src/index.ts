export { collectGcp } from './fetch/collect.js';
export type { CollectGcpOptions, GcpCollection } from './fetch/collect.js';
// The call table and the normalizers (also importable alone, without the SDK, as `@leakproof/gcp/normalize`).
export * from './normalize/index.js';
