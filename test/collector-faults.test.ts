import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAws } from '@leakproof/aws';
import { collectAzure } from '@leakproof/azure';
import { audit, auditVerdict, loadPolicies, type CollectionNotice, type Resource, type RuntimeOptions, type ScopeStatus } from '@leakproof/core';
import { collectGcp } from '@leakproof/gcp';
import {
  closedPortEndpoint,
  loadFakeArmEstate,
  loadFakeAwsEstate,
  loadFakeGcpEstate,
  startFakeArm,
  startFakeAws,
  startFakeGcp,
  startFaultProxy,
  startUnacceptingEndpoint,
  type FaultRule,
} from '@leakproof/testkit';

// The same faults, through the shared collector runtime, against each provider's real SDK clients.

interface Collected {
  resources: Resource[];
  notices: CollectionNotice[];
  scopes: ScopeStatus[];
}

interface ProviderCase {
  name: string;
  start(): Promise<{ endpoint: string; close(): Promise<void> }>;
  collect(endpoint: string, options: RuntimeOptions & { scopes?: string[] }): Promise<Collected>;
  /** A request that reads one resource's settings, not a listing, for throttling tests. */
  throttleMatch: RegExp;
  /** The scope a mistyped id names. */
  missingScope?: string;
  /** Error bodies as the provider sends them with a 429 and a 403 (ARM always sends one). */
  bodies?: { throttled: string; denied: string };
}

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}/`, import.meta.url));
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const PROVIDERS: ProviderCase[] = [
  {
    name: 'aws',
    start: () => startFakeAws(loadFakeAwsEstate(fixture('aws/estate'))),
    collect: (endpoint, options) => collectAws({ credentials, env: { AWS_ENDPOINT_URL: endpoint }, regions: ['eu-west-1', 'us-east-1'], now: new Date('2026-11-25T00:00:00Z'), ...options }),
    throttleMatch: /^GET \/[^?]+\?(acl|policy|publicAccessBlock|encryption|versioning)/,
  },
  {
    name: 'gcp',
    start: () => startFakeGcp(loadFakeGcpEstate(fixture('gcp/estate'))),
    collect: (endpoint, { scopes, ...options }) => collectGcp({ env: { STORAGE_EMULATOR_HOST: endpoint, LEAKPROOF_GCP_API_ENDPOINT: endpoint }, ...(scopes ? { projects: scopes } : {}), ...options }),
    throttleMatch: /\/iam\b|\/firewalls|\/instances/,
    missingScope: 'clinic-prdo',
  },
  {
    name: 'azure',
    start: () => startFakeArm(loadFakeArmEstate(fixture('azure/estate'))),
    collect: (endpoint, { scopes, ...options }) => collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: endpoint }, ...(scopes ? { subscriptions: scopes } : {}), ...options }),
    throttleMatch: /blobServices|firewallRules|encryptionProtector|auditingSettings|networkSecurityGroups/,
    missingScope: '00000000-0000-0000-0000-00000000dead',
    bodies: {
      throttled: JSON.stringify({ error: { code: 'TooManyRequests', message: 'The request is being throttled.' } }),
      denied: JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action.' } }),
    },
  },
];

const policies = loadPolicies();
const outcomes = (c: Collected) =>
  audit({ resources: c.resources, policies })
    .findings.map((f) => `${f.rule.id} ${f.resource.id} ${f.status}`)
    .sort();
const verdictOf = (c: Collected) => auditVerdict(audit({ resources: c.resources, policies, notices: c.notices, scopes: c.scopes }), { failOn: 'high' }).verdict;
const FAST: RuntimeOptions = { timeouts: { connect: 300, response: 300 }, maxAttempts: 2 };

describe.each(PROVIDERS)('$name under faults', (provider) => {
  let server: { endpoint: string; close(): Promise<void> };
  let clean: Collected;
  beforeAll(async () => {
    server = await provider.start();
    clean = await provider.collect(server.endpoint, { concurrency: 8 });
  });
  afterAll(() => server.close());

  it('finishes within its timeouts against an endpoint that accepts connections and never answers, and is incomplete', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: /./, fault: { kind: 'hang' } }]);
    try {
      const started = Date.now();
      const c = await provider.collect(proxy.endpoint, FAST);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(verdictOf(c)).toBe('incomplete');
      expect(c.scopes.filter((s) => s.status === 'audited')).toEqual([]);
      expect(c.notices.some((n) => /timed out|no answer within/.test(n.message))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('gives up on a connect that never completes within the connect timeout, though the response timeout is long', async () => {
    const unaccepting = await startUnacceptingEndpoint();
    try {
      const started = Date.now();
      const c = await provider.collect(unaccepting.endpoint, { timeouts: { connect: 300, response: 60_000 }, maxAttempts: 1 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(verdictOf(c)).toBe('incomplete');
      expect(c.resources).toEqual([]);
      expect(c.scopes.filter((s) => s.status === 'audited')).toEqual([]);
    } finally {
      await unaccepting.close();
    }
  });

  it('gets the same answers from a slow endpoint as from a quick one', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: /./, fault: { kind: 'delay', ms: 150 }, rate: 0.3 }]);
    try {
      const c = await provider.collect(proxy.endpoint, { concurrency: 8, timeouts: { response: 5_000 } });
      expect(proxy.faulted).toBeGreaterThan(0);
      expect(outcomes(c)).toEqual(outcomes(clean));
    } finally {
      await proxy.close();
    }
  });

  it('reports a closed port as a network failure and an incomplete audit, without hanging', async () => {
    const started = Date.now();
    const c = await provider.collect(await closedPortEndpoint(), FAST);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(verdictOf(c)).toBe('incomplete');
    expect(c.resources).toEqual([]);
    expect(c.notices.some((n) => /could not be reached|ECONNREFUSED/.test(n.message))).toBe(true);
  });

  it('ends with the same verdicts when 30% of calls are throttled, however many times in a row', async () => {
    const rules: FaultRule[] = [{ match: provider.throttleMatch, fault: { kind: 'status', status: 429, body: provider.bodies?.throttled ?? '', headers: { 'retry-after': '0' } }, rate: 0.3 }];
    const proxy = await startFaultProxy(server.endpoint, rules, { seed: 7 });
    try {
      const c = await provider.collect(proxy.endpoint, { concurrency: 8, maxThrottledAttempts: 1_000 });
      expect(proxy.faulted).toBeGreaterThan(2);
      expect(outcomes(c)).toEqual(outcomes(clean));
      expect(c.scopes.map((s) => `${s.id} ${s.status}`).sort()).toEqual(clean.scopes.map((s) => `${s.id} ${s.status}`).sort());
      expect(c.notices.some((n) => /call\(s\) were throttled and retried/.test(n.message))).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('waits as long as Retry-After says before trying again', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: provider.throttleMatch, fault: { kind: 'status', status: 429, body: provider.bodies?.throttled ?? '', headers: { 'retry-after': '1' } }, times: 1 }]);
    try {
      const started = Date.now();
      const c = await provider.collect(proxy.endpoint, { concurrency: 8 });
      expect(proxy.faulted).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(outcomes(c)).toEqual(outcomes(clean));
    } finally {
      await proxy.close();
    }
  });

  it('makes a denied call unknown, names its permission, and leaves the scope partly audited', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: provider.throttleMatch, fault: { kind: 'status', status: 403, body: provider.bodies?.denied ?? '' } }]);
    try {
      const c = await provider.collect(proxy.endpoint, { concurrency: 8 });
      expect(proxy.faulted).toBeGreaterThan(0);
      expect(c.notices.some((n) => n.permission !== undefined && /denied/.test(n.message))).toBe(true);
      expect(c.scopes.some((s) => s.status === 'partial')).toBe(true);
      expect(verdictOf(c)).not.toBe('pass');
    } finally {
      await proxy.close();
    }
  });

  it.runIf(provider.missingScope !== undefined)('reports a mistyped scope as not audited, never as an empty pass', async () => {
    const c = await provider.collect(server.endpoint, { scopes: [provider.missingScope!] });
    expect(c.scopes).toEqual([expect.objectContaining({ id: provider.missingScope, status: 'not-audited' })]);
    expect(verdictOf(c)).toBe('incomplete');
  });
});
