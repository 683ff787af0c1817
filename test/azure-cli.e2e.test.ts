import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFakeArmEstate, seedAzuriteContainers, startAzurite, startFakeArm, type Azurite, type FakeArmServer } from '@leakproof/testkit';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const estateDir = fileURLToPath(new URL('./fixtures/azure/estate/', import.meta.url));
let arm: FakeArmServer;
let azurite: Azurite;
let env: Record<string, string>;

beforeAll(async () => {
  arm = await startFakeArm(loadFakeArmEstate(estateDir));
  azurite = await startAzurite();
  await seedAzuriteContainers(azurite.connectionString, [{ name: 'cli-public', access: 'container' }]);
  env = { LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_CLIENT_SECRET: 'azure-client-secret-never-printed' };
});
afterAll(async () => {
  await arm.close();
  await azurite.stop();
});

type Report = { findings: Array<{ ruleId: string; resourceName: string; status: string }> };
const outcomes = (r: Report) => r.findings.map((f) => `${f.ruleId} ${f.resourceName} ${f.status}`).sort();
const accountKey = () => /AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!;

describe('leakproof audit --provider azure', () => {
  it('audits the subscriptions, writes valid SARIF, and prints no key or secret', async () => {
    const dir = tempDir();
    const r = await runCli(['audit', '--provider', 'azure', '-o', 'az.sarif', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/critical\s+storage-public-read\s+azure:photos/);
    expect(r.stdout).toMatch(/critical\s+database-internet-reachable\s+azure:clinic-sql-open/);
    const sarif = JSON.parse(readFileSync(join(dir, 'az.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, 'az.sarif'), 'utf8'), readFileSync(join(dir, 'estate.json'), 'utf8')]) {
      expect(text).not.toContain(accountKey());
      expect(text).not.toContain('azure-client-secret-never-printed');
    }
  });

  it('reads containers from the data plane (Azurite) with --azure-containers data-plane', async () => {
    const r = await runCli(['audit', '--provider', 'azure', '--subscriptions', '00000000-0000-0000-0000-000000000001', '--azure-containers', 'data-plane', '--format', 'json', '--fail-on', 'none'], { env });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'storage-public-list', resourceName: 'cli-public', status: 'fail' }));
    expect(r.stdout).not.toContain(accountKey());
  });

  it('reproduces the same findings from the saved snapshot', async () => {
    const dir = tempDir();
    const live = await runCli(['audit', '--provider', 'azure', '--format', 'json', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    const offline = await runCli(['audit', '--snapshot', 'estate.json', '--format', 'json'], { cwd: dir });
    expect(outcomes(JSON.parse(offline.stdout))).toEqual(outcomes(JSON.parse(live.stdout)));
  });

  it('prints the least-privilege custom role', async () => {
    expect(JSON.parse((await runCli(['permissions', 'azure'])).stdout).Actions).toContain('Microsoft.Sql/servers/firewallRules/read');
  });

  it('refuses a malformed AZURE_STORAGE_CONNECTION_STRING in one line, without quoting it', async () => {
    const r = await runCli(['audit', '--provider', 'azure', '--subscriptions', '00000000-0000-0000-0000-000000000001'], { env: { LEAKPROOF_AZURE_ARM_ENDPOINT: 'http://127.0.0.1:9', AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountKey=c2VjcmV0LWtleQ==' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: AZURE_STORAGE_CONNECTION_STRING: not a storage connection string (no AccountName or BlobEndpoint); see "Configure Azure Storage connection strings"\n');
  });
});
