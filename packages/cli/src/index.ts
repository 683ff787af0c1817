export { main } from './main.js';
export { EXIT } from './io.js';
export type { CliIO, Output } from './io.js';
export { DEFAULT_WAIVERS, demoSnapshotPath, runAudit, verdictOf } from './run.js';
export type { AuditInput, RunAuditOptions, Verdict } from './run.js';
export type { ProviderOptions } from './providers.js';
/** The config file of a run, the provider options it and the flags give, and where live findings are located without one. */
export { ensureDir, writeChunks } from './write.js';
export { fallbackAnchors, loadRunConfig, providerOptions, repositoryPath, workflowFile } from './config.js';
