import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFakeGcpEstate, startFakeGcp, type FakeGcpServer } from '@leakproof/testkit';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const estateDir = fileURLToPath(new URL('./fixtures/gcp/estate/', import.meta.url));
const TOKEN = 'ya29.a0AfB_byFAKEACCESSTOKENforleakprooftests';
let server: FakeGcpServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFakeGcp(loadFakeGcpEstate(estateDir));
  env = { STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint, GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN, GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent.json' };
});
afterAll(() => server.close());

type Report = { findings: Array<{ ruleId: string; resourceName: string; status: string }> };
const outcomes = (r: Report) => r.findings.map((f) => `${f.ruleId} ${f.resourceName} ${f.status}`).sort();

describe('leakproof audit --provider gcp', () => {
  it('audits the projects, writes valid SARIF with notifications, and prints no token', async () => {
    const dir = tempDir();
    const r = await runCli(['audit', '--provider', 'gcp', '--projects', 'clinic-prod,clinic-sandbox', '-o', 'gcp.sarif', '-o', 'gcp.json', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/critical\s+storage-public-read\s+gcp:clinic-gcs-photos/);
    expect(r.stdout).toMatch(/critical\s+database-internet-reachable\s+gcp:patients-sql/);
    const sarif = JSON.parse(readFileSync(join(dir, 'gcp.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as Array<{ message: { text: string } }>;
    expect(notes.some((n) => n.message.text.includes('sqladmin.googleapis.com is disabled in clinic-sandbox; it holds nothing to audit'))).toBe(true);
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, 'gcp.sarif'), 'utf8'), readFileSync(join(dir, 'estate.json'), 'utf8')]) expect(text).not.toContain(TOKEN);
  });

  it('reproduces the same findings from the saved snapshot', async () => {
    const dir = tempDir();
    const live = await runCli(['audit', '--provider', 'gcp', '--projects', 'clinic-prod', '--format', 'json', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    const offline = await runCli(['audit', '--snapshot', 'estate.json', '--format', 'json'], { cwd: dir });
    expect(outcomes(JSON.parse(offline.stdout))).toEqual(outcomes(JSON.parse(live.stdout)));
    expect(outcomes(JSON.parse(live.stdout)).length).toBeGreaterThan(50);
  });

  it('prints the least-privilege custom role', async () => {
    const r = await runCli(['permissions', 'gcp']);
    expect(JSON.parse(r.stdout).includedPermissions).toContain('storage.buckets.getIamPolicy');
  });
});
