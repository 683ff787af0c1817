import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AWS_CALLS, collectAws } from '@leakproof/aws';
import { AZURE_CALLS, collectAzure } from '@leakproof/azure';
import { callIsNeeded, factDefinition, factsNeededBy, loadPolicies, selectRules, type FactFeeds, type NeededFacts, type ResourceKind } from '@leakproof/core';
import { collectGcp, GCP_CALLS } from '@leakproof/gcp';
import { loadFakeArmEstate, loadFakeAwsEstate, loadFakeGcpEstate, startFakeArm, startFakeAws, startFakeGcp } from '@leakproof/testkit';

// The call tables are the single source of what is fetched: a full estate makes exactly the calls the
// table and the enabled rules imply, and no others.

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}/`, import.meta.url));
const policies = loadPolicies();
const allRules = factsNeededBy(selectRules(policies)) as NeededFacts;
const firewallOnly: NeededFacts = { 'network-firewall': new Set(['internetIngressDatabasePorts']) };

interface Case {
  name: string;
  table: ReadonlyArray<{ id: string; feeds: object; discovery?: boolean; optional?: boolean }>;
  /** Calls the fixture estate cannot exercise (no resource of that kind, or another mode). */
  unreachable: string[];
  collect(needed: NeededFacts): Promise<Record<string, number>>;
}

const CASES: Case[] = [
  {
    name: 'aws',
    table: AWS_CALLS,
    // No assumed role here (tested through the CLI), and the estate has no Aurora cluster with a custom
    // parameter group or a cluster snapshot.
    unreachable: ['sts:AssumeRole', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBClusterSnapshotAttributes'],
    async collect(needed) {
      const server = await startFakeAws(loadFakeAwsEstate(fixture('aws/estate')));
      try {
        return (await collectAws({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, env: { AWS_ENDPOINT_URL: server.endpoint }, concurrency: 8, ...(needed ? { needed } : {}), now: new Date('2026-11-25T00:00:00Z') })).callCounts;
      } finally {
        await server.close();
      }
    },
  },
  {
    name: 'gcp',
    table: GCP_CALLS,
    unreachable: [],
    async collect(needed) {
      const server = await startFakeGcp(loadFakeGcpEstate(fixture('gcp/estate')));
      try {
        return (await collectGcp({ env: { STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint }, concurrency: 8, ...(needed ? { needed } : {}) })).callCounts;
      } finally {
        await server.close();
      }
    },
  },
  {
    name: 'azure',
    table: AZURE_CALLS,
    // Containers are read through ARM by default; the data-plane mode is tested against Azurite.
    unreachable: ['dataPlane.listContainers'],
    async collect(needed) {
      const server = await startFakeArm(loadFakeArmEstate(fixture('azure/estate')));
      try {
        return (await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: server.endpoint }, concurrency: 8, ...(needed ? { needed } : {}) })).callCounts;
      } finally {
        await server.close();
      }
    },
  },
];

describe.each(CASES)('the $name call table', (c) => {
  // Optional calls (organisation discovery) run only when asked for; they are tested through the CLI.
  const implied = (needed: NeededFacts) => c.table.filter((call) => callIsNeeded(call as never, needed) && !call.optional && !c.unreachable.includes(call.id)).map((call) => call.id).sort();

  it('drives a full audit: every call made is in the table, and every call the built-in rules need is made', async () => {
    const counts = await c.collect(allRules);
    expect(Object.keys(counts).filter((id) => !c.unreachable.includes(id)).sort()).toEqual(implied(allRules));
  });

  it('makes only discovery and firewall calls when the only rule enabled reads a firewall fact', async () => {
    const counts = await c.collect(firewallOnly);
    const made = Object.keys(counts).sort();
    expect(made.every((id) => implied(firewallOnly).includes(id))).toBe(true);
    expect(made.some((id) => c.table.find((t) => t.id === id)?.feeds && 'network-firewall' in (c.table.find((t) => t.id === id)!.feeds))).toBe(true);
  });
});

describe('fed facts', () => {
  it('are checked against the fact catalogue when a call table compiles', () => {
    // test/tsconfig.json type-checks this file in `npm test`: an unneeded @ts-expect-error fails it.
    // @ts-expect-error: "publicReed" is not a fact of any kind
    const typo: FactFeeds = { 'storage-bucket': ['publicReed'] };
    // @ts-expect-error: "port" is a database-instance fact, not a storage-bucket one
    const wrongKind: FactFeeds = { 'storage-bucket': ['port'] };
    const right: FactFeeds = { 'storage-bucket': ['publicRead'], 'database-instance': ['port'] };
    expect([typo, wrongKind, right].map((f) => Object.keys(f))).toEqual([['storage-bucket'], ['storage-bucket'], ['storage-bucket', 'database-instance']]);
  });

  it.each([
    ['aws', AWS_CALLS],
    ['gcp', GCP_CALLS],
    ['azure', AZURE_CALLS],
  ] as const)('of every %s call are facts the catalogue declares for their kind', (_name, table) => {
    for (const call of table) for (const [kind, facts] of Object.entries(call.feeds)) for (const f of facts as string[]) expect(factDefinition(kind as ResourceKind, f), `${call.id} feeds ${kind}.${f}`).toBeDefined();
  });
});
