import type { TokenCredential } from '@azure/core-auth';
import { NetworkManagementClient } from '@azure/arm-network';
import { SqlManagementClient } from '@azure/arm-sql';
import { StorageManagementClient } from '@azure/arm-storage';
import { SubscriptionClient } from '@azure/arm-subscriptions';
import type { Pipeline } from '@azure/core-rest-pipeline';
import { BlobServiceClient } from '@azure/storage-blob';
import { failureReason, silentLogger, type CallOutcome, type CollectionNotice, type Logger, type Resource } from '@leakproof/core';
import pLimit, { type LimitFunction } from 'p-limit';
import { azureCall, isAzureCallNeeded, type AzureCallId, type NeededFacts } from '../calls.js';
import { outcomeOfAzureError } from '../outcome.js';
import { normalizeNsg, type AzureNsg } from '../normalize/nsg.js';
import { normalizeSqlServer, type AzureFirewallRule, type AzureSqlServer } from '../normalize/sql.js';
import { allowPublicVerdict, networkOpenVerdict, normalizeContainer, normalizeStorageAccount, type AzureBlobServiceProperties, type AzureStorageAccount } from '../normalize/storage.js';

export interface CollectAzureOptions {
  /** Subscriptions to audit; default: every subscription the credential can see. */
  subscriptions?: string[];
  /** Default: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI). */
  credential?: TokenCredential;
  /** Read container access levels through ARM (Reader role) or the data plane (Storage Blob Data Reader). */
  containers?: 'arm' | 'data-plane';
  concurrency?: number;
  /** Retries per call; 429 answers wait for Retry-After (default 4). */
  maxRetries?: number;
  needed?: NeededFacts;
  /**
   * LEAKPROOF_AZURE_ARM_ENDPOINT overrides the ARM endpoint; AZURE_STORAGE_CONNECTION_STRING gives the
   * data plane of the account it names (Azurite). With the ARM override no credential is looked up.
   */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface AzureCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  callCounts: Record<string, number>;
}

/** A token that never expires, for local endpoints: nothing probes managed identity or the CLI. */
const STATIC_CREDENTIAL: TokenCredential = { getToken: async () => ({ token: 'leakproof-local', expiresOnTimestamp: Date.now() + 3_600_000 }) };

export async function collectAzure(options: CollectAzureOptions = {}): Promise<AzureCollection> {
  const env = options.env ?? process.env;
  const endpoint = env.LEAKPROOF_AZURE_ARM_ENDPOINT;
  let credential = options.credential;
  if (!credential) {
    if (endpoint) credential = STATIC_CREDENTIAL;
    else {
      const { DefaultAzureCredential } = await import('@azure/identity');
      credential = new DefaultAzureCredential();
    }
  }
  return new AzureCollector(options, env, credential, endpoint).run();
}

const ARM_SCOPE = 'https://management.azure.com/.default';

class AzureCollector {
  private readonly limit: LimitFunction;
  private readonly logger: Logger;
  private readonly out: AzureCollection = { resources: [], notices: [], callCounts: {} };

  constructor(
    private readonly options: CollectAzureOptions,
    private readonly env: Record<string, string | undefined>,
    private readonly credential: TokenCredential,
    private readonly endpoint: string | undefined,
  ) {
    this.limit = pLimit(options.concurrency ?? 64);
    this.logger = options.logger ?? silentLogger;
  }

  /** Client options; a local endpoint gets plain HTTP and a token set in the Sign phase (the SDK's bearer policy refuses http://). */
  private clientOptions() {
    return { retryOptions: { maxRetries: this.options.maxRetries ?? 4 }, ...(this.endpoint ? { endpoint: this.endpoint, allowInsecureConnection: true } : {}) };
  }

  private localAuth<T extends { pipeline: Pipeline }>(client: T): T {
    if (!this.endpoint) return client;
    client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
    const credential = this.credential;
    client.pipeline.addPolicy(
      {
        name: 'leakproofLocalAuth',
        async sendRequest(request, next) {
          const token = await credential.getToken(ARM_SCOPE);
          request.headers.set('authorization', `Bearer ${token?.token ?? ''}`);
          return next(request);
        },
      },
      { phase: 'Sign' },
    );
    return client;
  }

  private call<T>(id: AzureCallId, run: () => Promise<T>): Promise<CallOutcome<T>> {
    if (!isAzureCallNeeded(azureCall(id), this.options.needed)) return Promise.resolve({ status: 'skipped' });
    return this.limit(async () => {
      this.out.callCounts[id] = (this.out.callCounts[id] ?? 0) + 1;
      try {
        return { status: 'ok', value: await run() } as CallOutcome<T>;
      } catch (error) {
        return outcomeOfAzureError<T>(error, azureCall(id));
      }
    });
  }

  private notice(level: CollectionNotice['level'], message: string, extra: Partial<CollectionNotice> = {}): void {
    this.out.notices.push({ level, message, provider: 'azure', ...extra });
    (level === 'error' ? this.logger.error : level === 'warning' ? this.logger.warning : this.logger.info).call(this.logger, message);
  }

  private failed(subscription: string, what: string, o: Extract<CallOutcome<unknown>, { status: 'failed' }>, resourceId?: string): void {
    this.notice(o.failure.category === 'access-denied' ? 'warning' : 'error', `${what}: ${failureReason(o.failure)}`, {
      account: subscription,
      call: o.failure.call,
      permission: o.failure.permission,
      ...(resourceId ? { resourceId } : {}),
    });
  }

  async run(): Promise<AzureCollection> {
    let subscriptions = this.options.subscriptions ?? [];
    if (!subscriptions.length) {
      const client = this.localAuth(new SubscriptionClient(this.credential, this.clientOptions()));
      const listed = await this.call('subscriptions.list', async () => {
        const ids: string[] = [];
        for await (const s of client.subscriptions.list()) if (s.subscriptionId && s.state !== 'Disabled') ids.push(s.subscriptionId);
        return ids;
      });
      if (listed.status !== 'ok') {
        this.notice('error', `no subscriptions were given and they could not be listed (${listed.status === 'failed' ? failureReason(listed.failure) : 'skipped'}); pass --subscriptions`, { call: 'subscriptions.list', permission: 'Microsoft.Resources/subscriptions/read', fatal: true });
        return this.out;
      }
      subscriptions = listed.value;
    }
    await Promise.all(subscriptions.map((s) => this.collectSubscription(s)));
    return this.out;
  }

  private async collectSubscription(subscription: string): Promise<void> {
    const storage = this.localAuth(new StorageManagementClient(this.credential, subscription, this.clientOptions()));
    const sql = this.localAuth(new SqlManagementClient(this.credential, subscription, this.clientOptions()));
    const network = this.localAuth(new NetworkManagementClient(this.credential, subscription, this.clientOptions()));
    await Promise.all([this.collectStorage(subscription, storage), this.collectSql(subscription, sql), this.collectNsgs(subscription, network)]);
  }

  private async collectStorage(subscription: string, client: StorageManagementClient): Promise<void> {
    const accounts = await this.call('storageAccounts.list', async () => {
      const list: AzureStorageAccount[] = [];
      for await (const a of client.storageAccounts.list()) list.push(a as AzureStorageAccount & { primaryEndpoints?: { blob?: string } });
      return list;
    });
    if (accounts.status === 'failed') return this.failed(subscription, `subscription ${subscription}: storage accounts were not audited`, accounts);
    if (accounts.status !== 'ok') return;
    let done = 0;
    await Promise.all(
      accounts.value.map(async (a) => {
        const rg = /\/resourceGroups\/([^/]+)/i.exec(a.id ?? '')?.[1] ?? '';
        const name = a.name ?? '';
        const props = await this.call<AzureBlobServiceProperties>('blobServices.getServiceProperties', async () => (await client.blobServices.getServiceProperties(rg, name)) as AzureBlobServiceProperties);
        if (props.status === 'failed') this.failed(subscription, `storage account ${name}: blob service properties`, props, a.id);
        const accountResource = normalizeStorageAccount(a, props);
        this.out.resources.push(accountResource);
        const containers = await this.listContainers(client, a, rg);
        const account = { resource: accountResource, allowPublic: allowPublicVerdict(a), networkOpen: networkOpenVerdict(a) };
        if (containers.status === 'ok') for (const c of containers.value.items) this.out.resources.push(normalizeContainer(c, account, {}, containers.value.how));
        else if (containers.status === 'failed') this.failed(subscription, `storage account ${name}: containers were not audited`, containers, a.id);
        this.options.onProgress?.({ phase: `storage accounts (${subscription})`, done: ++done, total: accounts.value.length });
      }),
    );
  }

  /**
   * Container access levels through ARM, or through the data plane (a connection string or the
   * account's blob endpoint). With the ARM endpoint overridden (tests, emulators) nothing else may be
   * contacted: only the account named by AZURE_STORAGE_CONNECTION_STRING is read on the data plane, the
   * others through ARM.
   */
  private listContainers(client: StorageManagementClient, a: AzureStorageAccount & { primaryEndpoints?: { blob?: string } }, rg: string): Promise<CallOutcome<{ items: Array<{ id?: string; name?: string; publicAccess?: string }>; how: string }>> {
    const connection = this.env.AZURE_STORAGE_CONNECTION_STRING;
    const named = !!connection && new RegExp(`AccountName=${a.name};`, 'i').test(`${connection};`);
    const dataPlane = (this.options.containers ?? 'arm') === 'data-plane' && (named || !this.endpoint);
    if (!dataPlane) {
      return this.call('blobContainers.list', async () => {
        const items: Array<{ id?: string; name?: string; publicAccess?: string }> = [];
        for await (const c of client.blobContainers.list(rg, a.name ?? '')) items.push({ id: c.id, name: c.name, publicAccess: (c as { publicAccess?: string }).publicAccess ?? 'None' });
        return { items, how: 'ARM' };
      });
    }
    return this.call('dataPlane.listContainers', async () => {
      const blob = named ? BlobServiceClient.fromConnectionString(connection) : new BlobServiceClient(a.primaryEndpoints?.blob ?? `https://${a.name}.blob.core.windows.net`, this.credential);
      const items: Array<{ id?: string; name?: string; publicAccess?: string }> = [];
      for await (const c of blob.listContainers()) items.push({ id: `${a.id}/blobServices/default/containers/${c.name}`, name: c.name, publicAccess: c.properties.publicAccess ?? 'None' });
      return { items, how: 'data plane' };
    });
  }

  private async collectSql(subscription: string, client: SqlManagementClient): Promise<void> {
    const servers = await this.call('sqlServers.list', async () => {
      const list: AzureSqlServer[] = [];
      for await (const s of client.servers.list()) list.push(s as AzureSqlServer);
      return list;
    });
    if (servers.status === 'failed') return this.failed(subscription, `subscription ${subscription}: SQL servers were not audited`, servers);
    if (servers.status !== 'ok') return;
    const resources = await Promise.all(
      servers.value.map(async (s) => {
        const rg = /\/resourceGroups\/([^/]+)/i.exec(s.id ?? '')?.[1] ?? '';
        const [rules, protector, auditing] = await Promise.all([
          this.call('firewallRules.listByServer', async () => {
            const list: AzureFirewallRule[] = [];
            for await (const r of client.firewallRules.listByServer(rg, s.name ?? '')) list.push(r as AzureFirewallRule);
            return list;
          }),
          this.call('encryptionProtectors.get', async () => (await client.encryptionProtectors.get(rg, s.name ?? '', 'current')) as { serverKeyType?: string }),
          this.call('serverBlobAuditingPolicies.get', async () => (await client.serverBlobAuditingPolicies.get(rg, s.name ?? '')) as { state?: string }),
        ]);
        if (rules.status === 'failed') this.failed(subscription, `SQL server ${s.name}: firewall rules`, rules, s.id);
        if (protector.status === 'failed') this.failed(subscription, `SQL server ${s.name}: encryption protector`, protector, s.id);
        if (auditing.status === 'failed') this.failed(subscription, `SQL server ${s.name}: auditing settings`, auditing, s.id);
        return normalizeSqlServer(s, rules, protector, {}, auditing);
      }),
    );
    this.out.resources.push(...resources);
  }

  private async collectNsgs(subscription: string, client: NetworkManagementClient): Promise<void> {
    const nsgs = await this.call('networkSecurityGroups.listAll', async () => {
      const list: AzureNsg[] = [];
      for await (const n of client.networkSecurityGroups.listAll()) list.push(n as AzureNsg);
      return list;
    });
    if (nsgs.status === 'failed') return this.failed(subscription, `subscription ${subscription}: network security groups were not audited`, nsgs);
    if (nsgs.status === 'ok') this.out.resources.push(...nsgs.value.map((n) => normalizeNsg(n)));
  }
}
