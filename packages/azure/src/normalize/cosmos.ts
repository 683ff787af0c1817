import { fact, judgeSourceRange, type Fact, type Resource } from '@leakproof/core';
import { armResource } from './arm.js';

/** An Azure Cosmos DB account as ARM returns it (the fields leakproof reads). */
export interface AzureCosmosAccount {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  kind?: string;
  publicNetworkAccess?: string;
  ipRules?: Array<{ ipAddressOrRange?: string }>;
  isVirtualNetworkFilterEnabled?: boolean;
  virtualNetworkRules?: Array<{ id?: string }>;
  minimalTlsVersion?: string;
  keyVaultKeyUri?: string;
  backupPolicy?: {
    type?: string;
    periodicModeProperties?: { backupIntervalInMinutes?: number; backupRetentionIntervalInHours?: number };
    continuousModeProperties?: { tier?: string };
  };
}

/**
 * Pure: an Azure Cosmos DB account, as a database-instance (Cosmos DB serves every API over HTTPS on 443).
 * - Public network access `Disabled` (or `SecuredByPerimeter`) closes the public endpoint.
 * - With public access, an account with no IP rule and no virtual network filter accepts every network. The IP
 *   rule 0.0.0.0 is "accept connections from within public Azure datacenters": every Azure tenant. A rule whose
 *   range holds public addresses admits them.
 * - TLS is always required; a minimal TLS version below 1.2 fails.
 * - Backups are always taken: continuous (7 or 30 days) or periodic (retention in hours, 8 by default).
 */
export function normalizeCosmosAccount(
  account: AzureCosmosAccount,
  /** Settings a Terraform plan knows only after apply, with the reason. */
  unknown: { publicNetworkAccess?: string; ipRules?: string; backupPolicy?: string } = {},
): Resource {
  const access = account.publicNetworkAccess ?? 'Enabled';
  const publicNetwork = access === 'Enabled';
  const accessEvidence = `publicNetworkAccess=${account.publicNetworkAccess ?? 'not set (Enabled)'}`;
  const rules = (account.ipRules ?? []).map((r) => r.ipAddressOrRange ?? '').filter((r) => r !== '');
  const vnetFilter = account.isVirtualNetworkFilterEnabled === true;
  const tenants = rules.filter((r) => r === '0.0.0.0').map(() => 'IP rule 0.0.0.0 ("accept connections from within public Azure datacenters") admits every Azure tenant');
  const internet: string[] = [];
  if (publicNetwork && !rules.length && !vnetFilter) internet.push('no IP rule and no virtual network filter: every network is accepted');
  for (const r of rules.filter((r) => r !== '0.0.0.0')) {
    // An IP rule is one IPv4 address or a CIDR range: the security-group judgment of sources applies.
    const judged = judgeSourceRange(r);
    if (judged.internet) internet.push(`IP rule ${r}: ${judged.reason}`);
  }
  const open = publicNetwork && internet.length > 0;
  const tls = account.minimalTlsVersion ?? 'Tls12';
  const backup = account.backupPolicy;
  const continuousDays = backup?.type === 'Continuous' ? (/(\d+)Days/.exec(backup.continuousModeProperties?.tier ?? '')?.[1] ?? '30') : undefined;
  const periodicHours = backup?.periodicModeProperties?.backupRetentionIntervalInHours ?? 8;
  const retention: Fact = continuousDays
    ? fact(Number(continuousDays), `continuous backup, tier ${backup?.continuousModeProperties?.tier ?? 'not set (Continuous30Days)'}`)
    : fact(Math.round((periodicHours / 24) * 100) / 100, `periodic backup kept ${periodicHours} hours${backup?.periodicModeProperties?.backupRetentionIntervalInHours === undefined ? ' (the default)' : ''}`);
  const network = unknown.publicNetworkAccess ?? (publicNetwork ? unknown.ipRules : undefined);
  const facts: Record<string, Fact> = {
    engine: fact('cosmosdb', `Azure Cosmos DB account${account.kind ? ` (${account.kind})` : ''}`),
    port: fact(443, 'Cosmos DB serves its APIs over HTTPS on 443'),
    publiclyAccessible: fact(publicNetwork, accessEvidence),
    internetReachable: open ? fact(true, accessEvidence, ...internet) : fact(false, accessEvidence, ...(publicNetwork ? [vnetFilter && !rules.length ? 'only the virtual networks of its filter are accepted' : 'no IP rule admits a broad public range'] : [])),
    internetExposedPorts: fact(open ? ['Cosmos DB 443/tcp from the internet'] : [], ...(open ? internet : [accessEvidence])),
    openToCloudTenants: fact(publicNetwork && tenants.length > 0, ...(publicNetwork && tenants.length ? tenants : [publicNetwork ? 'no 0.0.0.0 IP rule' : accessEvidence])),
    ...(network ? { internetReachable: { unknown: network }, internetExposedPorts: { unknown: network }, openToCloudTenants: { unknown: network } } : {}),
    ...(unknown.publicNetworkAccess ? { publiclyAccessible: { unknown: unknown.publicNetworkAccess } } : {}),
    tlsRequired: fact(tls === 'Tls12' || tls === 'Tls13', `Cosmos DB accepts only TLS; minimalTlsVersion=${account.minimalTlsVersion ?? 'not set (Tls12)'}`),
    backupsEnabled: fact(true, 'Cosmos DB always takes backups'),
    backupRetentionDays: unknown.backupPolicy ? { unknown: unknown.backupPolicy } : retention,
    encryptionAtRest: account.keyVaultKeyUri ? fact('customer-managed', 'keyVaultKeyUri is set') : fact('provider-managed', 'data is always encrypted, with a service-managed key'),
  };
  return armResource(account, 'database-instance', 'Microsoft.DocumentDB/databaseAccounts', facts);
}
