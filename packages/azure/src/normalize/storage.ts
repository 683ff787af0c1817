import { fact, judgeSourceRange, outcomeReason, verdict, verdictFact, type CallOutcome, type Fact, type Resource, type Verdict } from '@leakproof/core';
import { armResource } from './arm.js';

/** A storage account as the ARM SDK returns it (flattened properties). */
export interface AzureStorageAccount {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  allowBlobPublicAccess?: boolean;
  publicNetworkAccess?: string;
  networkRuleSet?: { defaultAction?: string; ipRules?: Array<{ iPAddressOrRange?: string; action?: string }> };
  enableHttpsTrafficOnly?: boolean;
  minimumTlsVersion?: string;
  allowSharedKeyAccess?: boolean;
  encryption?: { keySource?: string };
}

/** A storage account's blob service properties (soft delete, versioning) as ARM returns them. */
export interface AzureBlobServiceProperties {
  deleteRetentionPolicy?: { enabled?: boolean; days?: number };
  isVersioningEnabled?: boolean;
}

/** `allowBlobPublicAccess` as a verdict: unset means allowed, as Azure treats accounts that never set it. */
export function allowPublicVerdict(a: AzureStorageAccount, unknown?: string): Verdict {
  if (unknown) return verdict.unknown(unknown);
  const allowed = a.allowBlobPublicAccess !== false;
  return verdict.of(allowed, `storage account ${a.name}: allowBlobPublicAccess=${a.allowBlobPublicAccess === undefined ? 'not set (allowed)' : allowed}`);
}

/**
 * Whether anonymous requests from the internet reach the account at all: public network access enabled
 * AND the firewall's default action Allow (or an IP rule admitting a broad public range). The storage
 * firewall applies to anonymous requests too.
 */
export function networkOpenVerdict(a: AzureStorageAccount): Verdict {
  const publicNetwork = (a.publicNetworkAccess ?? 'Enabled') === 'Enabled';
  const defaultAction = a.networkRuleSet?.defaultAction ?? 'Allow';
  const broad = (a.networkRuleSet?.ipRules ?? []).map((r) => r.iPAddressOrRange ?? '').filter((ip) => judgeSourceRange(ip).internet);
  if (!publicNetwork) return verdict.of(false, `storage account ${a.name}: publicNetworkAccess=${a.publicNetworkAccess}`);
  if (defaultAction === 'Allow') return verdict.of(true, `storage account ${a.name}: network default action Allow`);
  if (broad.length) return verdict.of(true, `storage account ${a.name}: network default action Deny, but IP rule ${broad.join(', ')} is a broad public range`);
  return verdict.of(false, `storage account ${a.name}: network default action Deny (only listed networks reach it)`);
}

/** Pure: a storage account (and its blob service properties) to a storage-account resource. */
export function normalizeStorageAccount(a: AzureStorageAccount, blob: CallOutcome<AzureBlobServiceProperties>, unknown: { allowBlobPublicAccess?: string } = {}): Resource {
  const publicNetwork = (a.publicNetworkAccess ?? 'Enabled') === 'Enabled';
  const httpsOnly = a.enableHttpsTrafficOnly !== false;
  const cmk = a.encryption?.keySource === 'Microsoft.Keyvault';
  const facts: Record<string, Fact> = {
    allowBlobPublicAccess: verdictFact(allowPublicVerdict(a, unknown.allowBlobPublicAccess)),
    publicNetworkAccess: fact(publicNetwork, `publicNetworkAccess=${a.publicNetworkAccess ?? 'not set (Enabled)'}`),
    networkOpenToInternet: verdictFact(networkOpenVerdict(a)),
    httpsOnly: fact(httpsOnly, `supportsHttpsTrafficOnly=${httpsOnly}`),
    minimumTlsVersion: fact(a.minimumTlsVersion ?? 'TLS1_0', `minimumTlsVersion=${a.minimumTlsVersion ?? 'not set (TLS1_0)'}`),
    sharedKeyAccess: fact(a.allowSharedKeyAccess !== false, `allowSharedKeyAccess=${a.allowSharedKeyAccess ?? 'not set (true)'}`),
    encryptionAtRest: cmk ? fact('customer-managed', 'encryption.keySource=Microsoft.Keyvault') : fact('provider-managed', `encryption.keySource=${a.encryption?.keySource ?? 'Microsoft.Storage'}`),
  };
  if (blob.status === 'ok') {
    const soft = blob.value.deleteRetentionPolicy;
    facts.blobSoftDelete = fact(soft?.enabled === true, `deleteRetentionPolicy: ${soft?.enabled ? `${soft.days ?? '?'} days` : 'off'}`);
    facts.versioning = fact(blob.value.isVersioningEnabled === true, `isVersioningEnabled=${blob.value.isVersioningEnabled === true}`);
  } else if (blob.status !== 'skipped') {
    facts.blobSoftDelete = { unknown: outcomeReason(blob, 'blob service properties') };
    facts.versioning = { unknown: outcomeReason(blob, 'blob service properties') };
  }
  return armResource(a, 'storage-account', 'Microsoft.Storage/storageAccounts', facts);
}

/**
 * Pure: a blob container to a storage-bucket resource. Anonymous read needs the container's access
 * level (blob or container) AND the account's allowBlobPublicAccess AND an account network open to the
 * internet; listing needs the level "container".
 */
export function normalizeContainer(
  container: { id?: string; name?: string; publicAccess?: string },
  account: { resource: Resource; allowPublic: Verdict; networkOpen: Verdict } | undefined,
  unknown: { publicAccess?: string } = {},
  how = 'ARM',
): Resource {
  const name = container.name ?? '?';
  const level = (container.publicAccess ?? 'None').toLowerCase();
  const levelVerdict = (levels: string[]): Verdict =>
    unknown.publicAccess ? verdict.unknown(unknown.publicAccess) : verdict.of(levels.includes(level), `container ${name}: public access level ${level === 'none' ? 'private' : level} (${how})`);
  const allow = account?.allowPublic ?? verdict.unknown(`the storage account of container ${name} is not known`);
  const network = account?.networkOpen ?? verdict.unknown(`the storage account of container ${name} is not known`);
  const facts: Record<string, Fact> = {
    publicRead: verdictFact(verdict.all(levelVerdict(['blob', 'container']), allow, network)),
    publicList: verdictFact(verdict.all(levelVerdict(['container']), allow, network)),
    publicWrite: fact(false, 'anonymous access to Azure blobs is read-only'),
    authenticatedUsersAccess: fact(false, 'Azure Storage has no "any authenticated user" grant'),
    publicAccessPrevention: verdictFact(verdict.not(allow)),
    aclPublic: verdictFact(levelVerdict(['blob', 'container'])),
  };
  const accountFacts = account?.resource.facts ?? {};
  if (accountFacts.httpsOnly) facts.tlsEnforced = accountFacts.httpsOnly;
  if (accountFacts.encryptionAtRest) facts.encryptionAtRest = accountFacts.encryptionAtRest;
  if (accountFacts.versioning) facts.versioning = accountFacts.versioning;
  return {
    id: container.id ?? `${account?.resource.id ?? 'unknown'}/blobServices/default/containers/${name}`,
    kind: 'storage-bucket',
    provider: 'azure',
    account: account?.resource.account ?? 'unknown',
    region: account?.resource.region ?? 'unknown',
    name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    tags: {},
    facts,
  };
}
