import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFakeAwsEstate, startFakeAws, type FakeAwsServer } from '@leakproof/testkit';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const estateDir = fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url));
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
let server: FakeAwsServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFakeAws(loadFakeAwsEstate(estateDir));
  env = {
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: 'FQoGZXIvYXdzEXAMPLESESSIONTOKEN',
    AWS_REGION: 'us-east-1',
    // Keep the SDK away from shared config files and the instance metadata service.
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
});
afterAll(() => server.close());

type JsonReport = { findings: Array<{ ruleId: string; resourceName: string; status: string }> };
const outcomes = (report: JsonReport) => report.findings.map((f) => `${f.ruleId} ${f.resourceName} ${f.status}`).sort();

describe('leakproof audit --provider aws', () => {
  it('audits the live estate, writes valid SARIF with collection notices, and never prints a credential', async () => {
    const dir = tempDir();
    const r = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1,us-east-1', '--format', 'sarif', '-o', 'aws.sarif', '-o', 'aws.json', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/critical\s+storage-public-read\s+aws:clinic-invoices-policy/);
    expect(r.stdout).toMatch(/critical\s+database-internet-reachable\s+aws:patients-public/);
    const sarif = JSON.parse(readFileSync(join(dir, 'aws.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    // One alert per finding: GitHub matches alerts by ruleId and primaryLocationLineHash.
    const results = sarif.runs[0].results as Array<{ ruleId: string; partialFingerprints: Record<string, string> }>;
    expect(results.length).toBeGreaterThan(50);
    const keys = results.map((x) => `${x.ruleId} ${x.partialFingerprints.primaryLocationLineHash}`);
    expect(new Set(keys).size).toBe(keys.length);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as Array<{ message: { text: string }; properties?: { permission?: string } }>;
    expect(notes.some((n) => n.properties?.permission === 's3:GetBucketAcl')).toBe(true);
    expect(notes.some((n) => n.properties?.permission === 'rds:DescribeDBInstances')).toBe(true);
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, 'aws.sarif'), 'utf8'), readFileSync(join(dir, 'aws.json'), 'utf8'), readFileSync(join(dir, 'estate.json'), 'utf8')]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
      expect(text).not.toContain('EXAMPLESESSIONTOKEN');
    }
  });

  it('reproduces the same findings from the saved snapshot', async () => {
    const dir = tempDir();
    const live = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1,us-east-1', '--format', 'json', '--save-snapshot', 'estate.json'], { cwd: dir, env });
    const offline = await runCli(['audit', '--snapshot', 'estate.json', '--format', 'json'], { cwd: dir });
    expect(outcomes(JSON.parse(offline.stdout))).toEqual(outcomes(JSON.parse(live.stdout)));
    expect(outcomes(JSON.parse(live.stdout)).length).toBeGreaterThan(100);
  });

  it('assumes a role in each of --accounts with the external id, and audits each account', async () => {
    const s = await startFakeAws(loadFakeAwsEstate(estateDir));
    try {
      const r = await runCli(['audit', '--provider', 'aws', '--accounts', '222233334444,333344445555', '--role-name', 'LeakproofAudit', '--external-id', 'ext-123', '--regions', 'eu-west-1', '--format', 'json', '--fail-on', 'none', '--allow-incomplete'], { env: { ...env, AWS_ENDPOINT_URL: s.endpoint } });
      // The estate denies some calls on purpose, so the audit is knowingly accepted as incomplete.
      expect(r.code).toBe(0);
      // Accounts are audited concurrently, so the order of the AssumeRole calls is not fixed.
      expect([...s.assumedRoles].sort((a, b) => a.roleArn.localeCompare(b.roleArn))).toEqual([
        { roleArn: 'arn:aws:iam::222233334444:role/LeakproofAudit', externalId: 'ext-123' },
        { roleArn: 'arn:aws:iam::333344445555:role/LeakproofAudit', externalId: 'ext-123' },
      ]);
      const accounts = new Set((JSON.parse(r.stdout) as { findings: Array<{ account: string }> }).findings.map((f) => f.account));
      expect(accounts).toEqual(new Set(['222233334444', '333344445555']));
      expect(r.stdout + r.stderr).not.toContain('tempSECRETfor');
      expect(r.stdout + r.stderr).not.toContain('tempTOKENfor');
    } finally {
      await s.close();
    }
  });

  it('prints the least-privilege policy for the enabled rules', async () => {
    const r = await runCli(['permissions', 'aws']);
    const policy = JSON.parse(r.stdout);
    expect(policy.Statement[0].Action).toContain('s3:GetBucketPolicyStatus');
    expect(policy.Statement[0].Action.every((a: string) => /^(s3|ec2|rds|sts|organizations):(Get|List|Describe)/.test(a))).toBe(true);
  });

  it('reports a caller it cannot identify as an incomplete audit (exit 4) with the reason, not a crash or a clean pass', async () => {
    const broken = await startFakeAws({ ...loadFakeAwsEstate(estateDir), query: { 'sts/*/GetCallerIdentity': { status: 403, body: '<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>' } } });
    try {
      const r = await runCli(['audit', '--provider', 'aws', '--format', 'json'], { env: { ...env, AWS_ENDPOINT_URL: broken.endpoint } });
      expect(r.code).toBe(4);
      expect(JSON.parse(r.stdout).verdict).toMatchObject({ verdict: 'incomplete' });
      expect(r.stderr).toMatch(/^leakproof: Verdict: INCOMPLETE/);
      expect(r.stderr).toMatch(/\nleakproof: incomplete: aws account default credentials was not audited: cannot identify the account \(default credentials\), so nothing was collected: sts:GetCallerIdentity failed \(InvalidClientTokenId\)/);
      expect(JSON.parse(r.stdout).notices).toEqual([expect.objectContaining({ fatal: true, call: 'sts:GetCallerIdentity' })]);
      // On the console the error is told once, as the reason the verdict is incomplete.
      const shown = await runCli(['audit', '--provider', 'aws'], { env: { ...env, AWS_ENDPOINT_URL: broken.endpoint } });
      expect(shown.code).toBe(4);
      expect((shown.stdout + shown.stderr).match(/InvalidClientTokenId/g)).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});
