import type { TokenCredential } from '@azure/core-auth';
import { getContinuationToken as networkContinuation, NetworkManagementClient } from '@azure/arm-network';
import { getContinuationToken as locksContinuation, ManagementLockClient } from '@azure/arm-locks';
import { CosmosDBManagementClient, getContinuationToken as cosmosContinuation } from '@azure/arm-cosmosdb';
import { getContinuationToken as mysqlContinuation, MySQLManagementFlexibleServerClient } from '@azure/arm-mysql-flexible';
import { getContinuationToken as postgresContinuation, PostgreSQLManagementFlexibleServerClient } from '@azure/arm-postgresql-flexible';
import { getContinuationToken as sqlContinuation, SqlManagementClient } from '@azure/arm-sql';
import { StorageManagementClient } from '@azure/arm-storage';
import { getContinuationToken as managementGroupsContinuation, ManagementGroupsAPI, type DescendantInfo } from '@azure/arm-managementgroups';
import { getContinuationToken as subscriptionsContinuation, SubscriptionClient, type Subscription } from '@azure/arm-subscriptions';
import type { Pipeline, PipelineRequest, SendRequest } from '@azure/core-rest-pipeline';
import { BlobServiceClient } from '@azure/storage-blob';
import { ConfigurationError, connectTimeoutAgent, createCollectorRuntime, mapOutcome, readPages, type AgentForUrl, type CollectorRuntime, type CallOutcome, type CollectionNotice, type CollectionProgress, type Logger, PhaseProgress, type Resource, type RuntimeOptions, type RuntimeStats, type ScopeStatus } from '@leakproof/core';
import { AZURE_RUNTIME, azureCall, type AzureCallId, type NeededFacts } from '../calls.js';

import { normalizeNsg, type AzureNsg } from '../normalize/nsg.js';
import { resourceGroupOf } from '../normalize/arm.js';
import { applyDeletionLocks, type AzureLock } from '../normalize/locks.js';
import { normalizeCosmosAccount, type AzureCosmosAccount } from '../normalize/cosmos.js';
import { normalizeFlexibleServer, type AzureFlexibleServer, type AzureServerConfiguration, type FlexibleServerEngine } from '../normalize/flexible-server.js';
import { isSystemDatabase, normalizeSqlDatabase, normalizeSqlServer, type AzureFirewallRule, type AzureSqlDatabase, type AzureSqlServer } from '../normalize/sql.js';
import { allowPublicVerdict, networkOpenVerdict, normalizeContainer, normalizeStorageAccount, type AzureBlobServiceProperties, type AzureStorageAccount } from '../normalize/storage.js';

/** What an ARM client's list method returns, as far as per-page calls use it (`@azure/core-paging`). */
interface PagedList<T> {
  byPage(settings: { continuationToken?: string }): AsyncIterableIterator<T[]>;
}

/**
 * The continuation token (`nextLink`) of a page. Newer ARM packages keep it beside the page and export
 * `getContinuationToken`; older ones (arm-storage) set `continuationToken` on the page.
 */
type ContinuationTokenOf = (page: unknown) => string | undefined;

/** What the PostgreSQL and MySQL flexible server clients share: the three listings leakproof reads. */
interface FlexibleServerClient {
  servers: { list(options: { abortSignal: AbortSignal }): PagedList<AzureFlexibleServer> };
  firewallRules: { listByServer(resourceGroup: string, server: string, options: { abortSignal: AbortSignal }): PagedList<AzureFirewallRule> };
  configurations: { listByServer(resourceGroup: string, server: string, options: { abortSignal: AbortSignal }): PagedList<AzureServerConfiguration> };
}

/** The call-table entries and progress phase of each flexible server engine. */
const FLEXIBLE_CALLS: Record<FlexibleServerEngine, { servers: AzureCallId; rules: AzureCallId; configurations: AzureCallId; phase: string }> = {
  postgres: { servers: 'postgresFlexibleServers.list', rules: 'postgresFlexibleFirewallRules.listByServer', configurations: 'postgresFlexibleConfigurations.listByServer', phase: 'PostgreSQL servers' },
  mysql: { servers: 'mysqlFlexibleServers.list', rules: 'mysqlFlexibleFirewallRules.listByServer', configurations: 'mysqlFlexibleConfigurations.listByServer', phase: 'MySQL servers' },
};

/** Azure collection options; timeouts, retries, the deadline and the rate budget are the shared runtime's. */
export interface CollectAzureOptions extends RuntimeOptions {
  /** Subscriptions to audit; default: every subscription the credential can see. */
  subscriptions?: string[];
  /** Audit every subscription below these management groups (their ids), through their child groups. */
  managementGroups?: string[];
  /** Default: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI). */
  credential?: TokenCredential;
  /** Read container access levels through ARM (Reader role) or the data plane (Storage Blob Data Reader). */
  containers?: 'arm' | 'data-plane';
  /** Facts the enabled rules need; calls that feed none of them are not made. Default: all. */
  needed?: NeededFacts;
  /**
   * LEAKPROOF_AZURE_ARM_ENDPOINT overrides the ARM endpoint; AZURE_STORAGE_CONNECTION_STRING gives the
   * data plane of the account it names (Azurite). With the ARM override no credential is looked up.
   */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Each step of the collection: subscriptions, storage accounts and SQL servers, counted over every subscription, with the calls made. */
  onProgress?: (progress: CollectionProgress) => void;
}

/** What an Azure collection gathered, and how far it got in each subscription it was asked to audit. */
export interface AzureCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  /** Every subscription the run was asked to audit (or discovered), with its status. */
  scopes: ScopeStatus[];
  /** How many API requests of each kind were made (every page and retry counts). */
  callCounts: Record<string, number>;
  /** Retries, throttling, time waited on the rate budget and the most requests in flight at once. */
  stats: RuntimeStats;
}

/** A token that never expires, for local endpoints: nothing probes managed identity or the CLI. */
const STATIC_CREDENTIAL: TokenCredential = { getToken: () => Promise.resolve({ token: 'leakproof-local', expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** Collects and normalizes storage accounts and containers, SQL servers and network security groups. */
export async function collectAzure(options: CollectAzureOptions = {}): Promise<AzureCollection> {
  const env = options.env ?? process.env;
  checkConnectionString(env.AZURE_STORAGE_CONNECTION_STRING);
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

/**
 * A connection string that names no account, or carries neither a key nor a SAS, is a mistake the user can
 * fix: one line, before anything is collected, never quoting the string (it holds a secret).
 */
function checkConnectionString(value: string | undefined): void {
  if (value === undefined || value === '') return;
  const fields = new Map(
    value
      .split(';')
      .filter(Boolean)
      .map((part) => {
        const i = part.indexOf('=');
        return [i < 0 ? part.trim().toLowerCase() : part.slice(0, i).trim().toLowerCase(), i < 0 ? '' : part.slice(i + 1)] as const;
      }),
  );
  const missing = !fields.get('accountname') && !fields.get('blobendpoint') ? 'AccountName or BlobEndpoint' : !fields.get('accountkey') && !fields.get('sharedaccesssignature') ? 'AccountKey or SharedAccessSignature' : undefined;
  if (missing) throw new ConfigurationError('LP_AZURE_CONNECTION_STRING', `AZURE_STORAGE_CONNECTION_STRING: not a storage connection string (no ${missing}); see "Configure Azure Storage connection strings"`);
}

class AzureCollector {
  private readonly runtime: CollectorRuntime;
  private readonly progress: PhaseProgress;
  private readonly agentFor: AgentForUrl;
  private readonly resources: Resource[] = [];

  constructor(
    private readonly options: CollectAzureOptions,
    private readonly env: Record<string, string | undefined>,
    private readonly credential: TokenCredential,
    private readonly endpoint: string | undefined,
  ) {
    this.runtime = createCollectorRuntime(AZURE_RUNTIME, options);
    this.progress = new PhaseProgress(options.onProgress, () => this.runtime.stats.calls);
    this.agentFor = connectTimeoutAgent(this.runtime.timeouts.connect, { maxSockets: this.runtime.concurrency });
  }

  /** Client options; a local endpoint gets plain HTTP and a token set in the Sign phase (the SDK's bearer policy refuses http://). */
  private clientOptions() {
    // The SDK's own retries are off: the runtime retries, so every attempt is bounded and paced alike.
    // The pipeline has no connect timeout: each request gets an agent that has one.
    const agentFor = this.agentFor;
    const connectTimeout = { name: 'leakproofConnectTimeout', sendRequest: (request: PipelineRequest, next: SendRequest) => next(Object.assign(request, { agent: agentFor(request.url) })) };
    return {
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [{ policy: connectTimeout, position: 'perCall' as const }],
      ...(this.endpoint ? { endpoint: this.endpoint, allowInsecureConnection: true } : {}),
    };
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

  /** One call through the runtime, in a subscription's scope. */
  private call<T>(id: AzureCallId, subscription: string, resourceId: string, run: (abortSignal: AbortSignal) => Promise<T>): Promise<CallOutcome<T>> {
    // A subscription-wide listing answered "not found" means the subscription itself is not there.
    return this.runtime.call(azureCall(id), { scope: subscription, resourceId, ...(resourceId === `/subscriptions/${subscription}` ? { listing: true } : {}) }, run);
  }

  /**
   * A paged ARM listing, one bounded and retried call per page (`nextLink`): the runtime's timeout
   * applies to each page, not to the whole listing, a failed page is asked again from its
   * continuation token, and every page counts as a call.
   */
  private async pages<T>(id: AzureCallId, subscription: string, resourceId: string, list: (abortSignal: AbortSignal) => PagedList<T>, tokenOf: ContinuationTokenOf = (page) => (page as { continuationToken?: string }).continuationToken): Promise<CallOutcome<T[]>> {
    const pages = await readPages(
      (token) =>
        this.call(id, subscription, resourceId, async (abortSignal) => {
          const next = await list(abortSignal).byPage(token === undefined ? {} : { continuationToken: token }).next();
          return next.done ? { items: [], token: undefined } : { items: [...next.value], token: tokenOf(next.value) };
        }),
      (page) => page.token,
      (page) => page.items,
    );
    return mapOutcome(pages, (items) => items.flat());
  }

  async run(): Promise<AzureCollection> {
    let subscriptions = this.options.subscriptions ?? [];
    if (!subscriptions.length && this.options.managementGroups?.length) {
      subscriptions = await this.subscriptionsUnder(this.options.managementGroups);
      // Descendants are listed only where the caller may read them: none found means nothing was looked at.
      if (!subscriptions.length) {
        const groups = this.options.managementGroups.join(', ');
        this.runtime.discoveredNothing(`management group ${groups}`, `no subscriptions were found under management group ${groups}, so nothing was audited`, 'grant Reader on the group or pass --subscriptions', azureCall('managementGroups.listDescendants'));
      }
    } else if (!subscriptions.length) {
      const client = this.localAuth(new SubscriptionClient(this.credential, this.clientOptions()));
      const discovery = 'every visible subscription';
      const listed = mapOutcome(await this.pages<Subscription>('subscriptions.list', discovery, '/subscriptions', (abortSignal) => client.subscriptions.list({ abortSignal }), subscriptionsContinuation), (all) =>
        all.flatMap((s) => (s.subscriptionId && s.state !== 'Disabled' ? [s.subscriptionId] : [])),
      );
      if (listed.status !== 'ok') {
        this.runtime.discoveryNotAudited(discovery, 'the subscriptions could not be listed', 'pass --subscriptions', azureCall('subscriptions.list'), listed);
        return this.finish();
      }
      subscriptions = listed.value;
      if (!subscriptions.length) {
        this.runtime.discoveredNothing(discovery, 'the credential can see no enabled subscriptions, so nothing was audited', 'grant it Reader on a subscription or pass --subscriptions', azureCall('subscriptions.list'));
      }
    }
    for (const s of subscriptions) this.runtime.scopes.add('subscription', s);
    this.progress.expect('subscriptions', subscriptions.length);
    await Promise.all(subscriptions.map(async (s) => {
      await this.collectSubscription(s);
      this.progress.done('subscriptions');
    }));
    return this.finish();
  }

  /**
   * The subscriptions below management groups (descendants include those of child groups). A group
   * whose descendants cannot be listed is a scope not audited; the other groups go on.
   */
  private async subscriptionsUnder(groups: string[]): Promise<string[]> {
    const client = this.localAuth(new ManagementGroupsAPI(this.credential, this.clientOptions()));
    const found = new Set<string>();
    await Promise.all(
      [...new Set(groups)].map(async (group) => {
        const discovery = `management group ${group}`;
        const descendants = await this.pages<DescendantInfo>('managementGroups.listDescendants', discovery, `/providers/Microsoft.Management/managementGroups/${group}`, (abortSignal) => client.managementGroups.listDescendants(group, { abortSignal }), managementGroupsContinuation);
        // A subscription descendant's id is /subscriptions/<id>; child groups are listed beside them.
        const listed = mapOutcome(descendants, (all) => all.flatMap((d) => /^\/subscriptions\/([0-9a-fA-F-]{36})$/.exec(d.id ?? '')?.[1]?.toLowerCase() ?? []));
        if (listed.status === 'ok') for (const id of listed.value) found.add(id);
        else {
          this.runtime.discoveryNotAudited(discovery, `the subscriptions of management group ${group} could not be listed`, 'pass --subscriptions', azureCall('managementGroups.listDescendants'), listed);
        }
      }),
    );
    return [...found].sort();
  }

  private finish(): AzureCollection {
    this.runtime.flushFailures();
    return { resources: this.resources, notices: this.runtime.notices, scopes: this.runtime.scopes.statuses(), callCounts: this.runtime.callCounts, stats: this.runtime.stats };
  }

  private async collectSubscription(subscription: string): Promise<void> {
    const storage = this.localAuth(new StorageManagementClient(this.credential, subscription, this.clientOptions()));
    const sql = this.localAuth(new SqlManagementClient(this.credential, subscription, this.clientOptions()));
    const network = this.localAuth(new NetworkManagementClient(this.credential, subscription, this.clientOptions()));
    const postgres = this.localAuth(new PostgreSQLManagementFlexibleServerClient(this.credential, subscription, this.clientOptions()));
    const mysql = this.localAuth(new MySQLManagementFlexibleServerClient(this.credential, subscription, this.clientOptions()));
    const cosmos = this.localAuth(new CosmosDBManagementClient(this.credential, subscription, this.clientOptions()));
    const locks = this.localAuth(new ManagementLockClient(this.credential, subscription, this.clientOptions()));
    const listedLocks = this.pages<AzureLock>('managementLocks.listAtSubscriptionLevel', subscription, `/subscriptions/${subscription}`, (abortSignal) => locks.managementLocks.listAtSubscriptionLevel({ abortSignal }), locksContinuation);
    await Promise.all([
      this.collectStorage(subscription, storage),
      this.collectSql(subscription, sql),
      this.collectFlexibleServers('postgres', subscription, postgres, postgresContinuation),
      this.collectFlexibleServers('mysql', subscription, mysql, mysqlContinuation),
      this.collectCosmos(subscription, cosmos),
      this.collectNsgs(subscription, network),
    ]);
    // Subscriptions are collected side by side: this one's servers are those whose ids name it.
    applyDeletionLocks(this.resources.filter((r) => r.account.toLowerCase() === subscription.toLowerCase()), await listedLocks);
  }

  /** Cosmos DB accounts: everything judged is in the listing. */
  private async collectCosmos(subscription: string, client: CosmosDBManagementClient): Promise<void> {
    const accounts = await this.pages<AzureCosmosAccount>('cosmosAccounts.list', subscription, `/subscriptions/${subscription}`, (abortSignal) => client.databaseAccounts.list({ abortSignal }), cosmosContinuation);
    if (accounts.status === 'ok') this.resources.push(...accounts.value.map((a) => normalizeCosmosAccount(a)));
  }

  /** Azure Database for PostgreSQL or MySQL flexible servers, each with its firewall rules and server parameters. */
  private async collectFlexibleServers(engine: FlexibleServerEngine, subscription: string, client: FlexibleServerClient, continuation: ContinuationTokenOf): Promise<void> {
    const calls = FLEXIBLE_CALLS[engine];
    const servers = await this.pages<AzureFlexibleServer>(calls.servers, subscription, `/subscriptions/${subscription}`, (abortSignal) => client.servers.list({ abortSignal }), continuation);
    if (servers.status !== 'ok') return;
    this.progress.expect(calls.phase, servers.value.length);
    const resources = await Promise.all(
      servers.value.map(async (s) => {
        const rg = resourceGroupOf(s.id);
        const id = s.id ?? s.name ?? '';
        const [rules, configurations] = await Promise.all([
          this.pages<AzureFirewallRule>(calls.rules, subscription, id, (abortSignal) => client.firewallRules.listByServer(rg, s.name ?? '', { abortSignal }), continuation),
          this.pages<AzureServerConfiguration>(calls.configurations, subscription, id, (abortSignal) => client.configurations.listByServer(rg, s.name ?? '', { abortSignal }), continuation),
        ]);
        this.progress.done(calls.phase);
        return normalizeFlexibleServer(engine, s, rules, configurations);
      }),
    );
    this.resources.push(...resources);
  }

  private async collectStorage(subscription: string, client: StorageManagementClient): Promise<void> {
    const accounts = await this.pages<AzureStorageAccount>('storageAccounts.list', subscription, `/subscriptions/${subscription}`, (abortSignal) => client.storageAccounts.list({ abortSignal }));
    if (accounts.status !== 'ok') return;
    this.progress.expect('storage accounts', accounts.value.length);
    await Promise.all(
      accounts.value.map(async (a) => {
        const rg = resourceGroupOf(a.id);
        const name = a.name ?? '';
        const props = await this.call<AzureBlobServiceProperties>('blobServices.getServiceProperties', subscription, a.id ?? name, async (abortSignal) => (await client.blobServices.getServiceProperties(rg, name, { abortSignal })));
        const accountResource = normalizeStorageAccount(a, props);
        this.resources.push(accountResource);
        const containers = await this.listContainers(subscription, client, a, rg);
        const account = { resource: accountResource, allowPublic: allowPublicVerdict(a), networkOpen: networkOpenVerdict(a) };
        if (containers.status === 'ok') for (const c of containers.value.items) this.resources.push(normalizeContainer(c, account, {}, containers.value.how));
        this.progress.done('storage accounts');
      }),
    );
  }

  /**
   * Container access levels through ARM, or through the data plane (a connection string or the
   * account's blob endpoint). With the ARM endpoint overridden (tests, emulators) nothing else may be
   * contacted: only the account named by AZURE_STORAGE_CONNECTION_STRING is read on the data plane, the
   * others through ARM.
   */
  private listContainers(subscription: string, client: StorageManagementClient, a: AzureStorageAccount & { primaryEndpoints?: { blob?: string } }, rg: string): Promise<CallOutcome<{ items: Array<{ id?: string; name?: string; publicAccess?: string }>; how: string }>> {
    const connection = this.env.AZURE_STORAGE_CONNECTION_STRING;
    const named = !!connection && new RegExp(`AccountName=${a.name};`, 'i').test(`${connection};`);
    const dataPlane = (this.options.containers ?? 'arm') === 'data-plane' && (named || !this.endpoint);
    if (!dataPlane) {
      return this.pages('blobContainers.list', subscription, a.id ?? a.name ?? '', (abortSignal) => client.blobContainers.list(rg, a.name ?? '', { abortSignal })).then((listed) =>
        mapOutcome(listed, (containers) => ({ items: containers.map((c) => ({ id: c.id, name: c.name, publicAccess: (c as { publicAccess?: string }).publicAccess ?? 'None' })), how: 'ARM' })),
      );
    }
    return this.call('dataPlane.listContainers', subscription, a.id ?? a.name ?? '', async (abortSignal) => {
      const blob = named ? BlobServiceClient.fromConnectionString(connection) : new BlobServiceClient(a.primaryEndpoints?.blob ?? `https://${a.name}.blob.core.windows.net`, this.credential);
      const items: Array<{ id?: string; name?: string; publicAccess?: string }> = [];
      for await (const c of blob.listContainers({ abortSignal })) items.push({ id: `${a.id}/blobServices/default/containers/${c.name}`, name: c.name, publicAccess: c.properties.publicAccess ?? 'None' });
      return { items, how: 'data plane' };
    });
  }

  private async collectSql(subscription: string, client: SqlManagementClient): Promise<void> {
    const servers = await this.pages<AzureSqlServer>('sqlServers.list', subscription, `/subscriptions/${subscription}`, (abortSignal) => client.servers.list({ abortSignal }), sqlContinuation);
    if (servers.status !== 'ok') return;
    this.progress.expect('SQL servers', servers.value.length);
    const resources = await Promise.all(
      servers.value.map(async (s) => {
        const rg = resourceGroupOf(s.id);
        const id = s.id ?? s.name ?? '';
        const [rules, protector, auditing] = await Promise.all([
          this.pages<AzureFirewallRule>('firewallRules.listByServer', subscription, id, (abortSignal) => client.firewallRules.listByServer(rg, s.name ?? '', { abortSignal }), sqlContinuation),
          this.call('encryptionProtectors.get', subscription, id, async (abortSignal) => (await client.encryptionProtectors.get(rg, s.name ?? '', 'current', { abortSignal })) as { serverKeyType?: string }),
          this.call('serverBlobAuditingPolicies.get', subscription, id, async (abortSignal) => (await client.serverBlobAuditingPolicies.get(rg, s.name ?? '', { abortSignal })) as { state?: string }),
        ]);
        const server = normalizeSqlServer(s, rules, protector, {}, auditing);
        const databases = await this.collectDatabases(subscription, client, rg, s, server);
        this.progress.done('SQL servers');
        return [server, ...databases];
      }),
    );
    this.resources.push(...resources.flat());
  }

  /** The server's user databases with their transparent data encryption state (master is skipped). */
  private async collectDatabases(subscription: string, client: SqlManagementClient, rg: string, s: AzureSqlServer, server: Resource): Promise<Resource[]> {
    const listed = await this.pages<AzureSqlDatabase>('databases.listByServer', subscription, server.id, (abortSignal) => client.databases.listByServer(rg, s.name ?? '', { abortSignal }), sqlContinuation);
    if (listed.status !== 'ok') return [];
    return Promise.all(
      listed.value
        .filter((d) => !isSystemDatabase(d))
        .map(async (d) => {
          const tde = await this.call('transparentDataEncryptions.get', subscription, d.id ?? `${server.id}/databases/${d.name}`, async (abortSignal) => (await client.transparentDataEncryptions.get(rg, s.name ?? '', d.name ?? '', 'current', { abortSignal })) as { state?: string });
          return normalizeSqlDatabase(d, server, tde);
        }),
    );
  }

  private async collectNsgs(subscription: string, client: NetworkManagementClient): Promise<void> {
    const nsgs = await this.pages<AzureNsg>('networkSecurityGroups.listAll', subscription, `/subscriptions/${subscription}`, (abortSignal) => client.networkSecurityGroups.listAll({ abortSignal }), networkContinuation);
    if (nsgs.status === 'ok') this.resources.push(...nsgs.value.map((n) => normalizeNsg(n)));
  }
}
