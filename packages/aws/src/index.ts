export { collectAws } from './fetch/collect.js';
export type { AwsCollection, AwsProgress, CollectAwsOptions } from './fetch/collect.js';
export type { Credentials as AwsCredentials } from './fetch/clients.js';
// The call table and the normalizers (also importable alone, without the SDK, as `@leakproof/aws/normalize`).
export * from './normalize/index.js';
