export { collectAzure } from './fetch/collect.js';
export type { AzureCollection, CollectAzureOptions } from './fetch/collect.js';
// The call table and the normalizers (also importable alone, without the SDK, as `@leakproof/azure/normalize`).
export * from './normalize/index.js';
