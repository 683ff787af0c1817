// `@leakproof/azure/normalize`: the call table and the normalizers, pure functions from raw Azure API
// responses to facts with evidence. Nothing here loads a cloud SDK, so the Terraform plan reader and
// the test servers use them without one.
export { AZURE_CALLS, AZURE_ERROR_CLASSES, AZURE_RATE_LIMITS, AZURE_RUNTIME, azureCustomRole, describeAzureError } from '../calls.js';
export type { AzureCall, AzureCallId, NeededFacts } from '../calls.js';
export { allowPublicVerdict, networkOpenVerdict, normalizeContainer, normalizeStorageAccount } from './storage.js';
export type { AzureBlobServiceProperties, AzureStorageAccount } from './storage.js';
export { isSystemDatabase, judgeFirewallRules, normalizeSqlDatabase, normalizeSqlServer } from './sql.js';
export { normalizeCosmosAccount } from './cosmos.js';
export { applyDeletionLocks } from './locks.js';
export type { AzureLock } from './locks.js';
export type { AzureCosmosAccount } from './cosmos.js';
export { normalizeFlexibleServer } from './flexible-server.js';
export type { AzureFlexibleServer, AzureServerConfiguration, FlexibleServerEngine } from './flexible-server.js';
export type { AzureFirewallRule, AzureSqlDatabase, AzureSqlServer } from './sql.js';
export { normalizeNsg, nsgEffectiveEntries, nsgRuleEntries, nsgRuleIsOpen } from './nsg.js';
export type { AzureNsg, AzureSecurityRule } from './nsg.js';
