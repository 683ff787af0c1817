import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFakeAwsEstate, startFakeAws, startFaultProxy, type FakeAwsServer } from '@leakproof/testkit';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';
import { fakeAwsEnv } from './helpers/aws-env.js';

// Every row of the README's exit-code table, produced by the built CLI.

const estateDir = fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url));
let server: FakeAwsServer;

beforeAll(async () => {
  server = await startFakeAws(loadFakeAwsEstate(estateDir));
});
afterAll(() => server.close());

const bucket = (id: string, facts: Record<string, unknown>) => ({ id, kind: 'storage-bucket', provider: 'aws', account: '111122223333', region: 'eu-west-1', name: id, tags: {}, facts });
const allPrivate = { publicRead: false, publicList: false, publicWrite: false, authenticatedUsersAccess: false, policyPublic: false, aclPublic: false };
const known = (facts: Record<string, unknown>) => Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, { value: v, evidence: [] }]));

type Sarif = { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>; results: Array<{ ruleId: string; baselineState?: string; kind?: string; message: { text: string } }> }> };

describe('exit codes', () => {
  it('0: pass, when everything asked for was audited and nothing at or above --fail-on failed', async () => {
    const r = await runCli(['audit', '--demo', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Verdict: PASS/);
  });

  it('1: fail, when something at or above --fail-on failed', async () => {
    const r = await runCli(['audit', '--demo', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[2]).toMatch(/^\*\*Verdict: FAIL \(\d+ failure\(s\) at or above high\)\*\*$/);
  });

  it('2: usage error, in one line, for a bad flag', async () => {
    const r = await runCli(['audit', '--demo', '--fail-on', 'severe']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('2: an unwritable output path is refused before any cloud call is made', async () => {
    const proxy = await startFaultProxy(server.endpoint, []);
    try {
      const dir = tempDir();
      const r = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1', '-o', 'ok.json', '-o', '/proc/leakproof/report.sarif'], { cwd: dir, env: fakeAwsEnv(proxy.endpoint) });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^leakproof: \/proc\/leakproof\/report.sarif: cannot write the report there \([A-Z]+\)\n$/);
      expect(proxy.requests).toEqual([]);
      expect(existsSync(join(dir, 'ok.json'))).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('2: flags that would do nothing in the chosen mode are refused', async () => {
    expect((await runCli(['audit', '--demo', '--profile', 'prod'])).stderr).toMatch(/--profile applies only to --provider aws/);
    expect((await runCli(['audit', '--provider', 'aws', '--role-name', 'Auditor'])).code).toBe(2);
    // Request threads are the AWS collector's; GCP makes its requests on the main thread.
    expect((await runCli(['audit', '--provider', 'gcp', '--cores', '2'])).stderr).toMatch(/--cores applies only to --provider aws/);
  });

  it('2: a thread count that is not a positive whole number, in one line', async () => {
    const r = await runCli(['audit', '--provider', 'aws', '--cores', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^leakproof: --cores: "0" is not a positive whole number\n$/);
  });

  it('3: a report that cannot be written after the audit fails the run, names itself, and the others are still written', async () => {
    const dir = tempDir();
    const r = await runCli(['audit', '--demo', '--format', 'json', '-o', '/dev/full', '-o', 'after.sarif'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/leakproof: error: report not written: \/dev\/full: ENOSPC/);
    expect(JSON.parse(readFileSync(join(dir, 'after.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('4: incomplete, when a rule at or above --fail-on could not be evaluated, even with no failure', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 's.json'), JSON.stringify({ schemaVersion: 1, resources: [bucket('b', { publicRead: { unknown: 's3:GetBucketPolicy was denied', evidence: [] } })] }));
    const r = await runCli(['audit', '--snapshot', 's.json', '--format', 'sarif', '-o', 'r.sarif', '--format', 'json', '-o', 'r.json'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/Verdict: INCOMPLETE/);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).verdict).toMatchObject({ verdict: 'incomplete', failOn: 'high' });
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as Sarif;
    expect(sarif.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect((await runCli(['audit', '--snapshot', 's.json', '--allow-incomplete', '-q'], { cwd: dir })).code).toBe(0);
  });

  it('4: incomplete, when a requested scope was only partly audited, and SARIF names the scope as an error', async () => {
    const dir = tempDir();
    const scopes = [
      { provider: 'aws', kind: 'region', id: '111122223333/eu-west-1', account: '111122223333', region: 'eu-west-1', status: 'audited', reasons: [] },
      { provider: 'aws', kind: 'region', id: '111122223333/us-east-1', account: '111122223333', region: 'us-east-1', status: 'not-audited', reasons: ['ec2:DescribeSecurityGroups timed out'] },
    ];
    writeFileSync(join(dir, 's.json'), JSON.stringify({ schemaVersion: 1, resources: [bucket('b', known(allPrivate))], scopes }));
    const r = await runCli(['audit', '--snapshot', 's.json', '--framework', 'hipaa', '--format', 'sarif', '-o', 'r.sarif'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/incomplete: aws region 111122223333\/us-east-1 was not audited: ec2:DescribeSecurityGroups timed out/);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as Sarif;
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications).toContainEqual(expect.objectContaining({ level: 'error', message: { text: expect.stringMatching(/^aws region 111122223333\/us-east-1 was not audited/) } }));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
  });
});

describe('a baseline never closes what was not re-checked', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const full = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1,us-east-1', '--fail-on', 'none', '--allow-incomplete', '-o', 'baseline.sarif'], { cwd: dir, env: fakeAwsEnv(server.endpoint) });
    expect(full.code).toBe(0);
  });

  const fixedAndOpen = (file: string) => {
    const sarif = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Sarif;
    const results = sarif.runs[0]!.results;
    return { sarif, absent: results.filter((r) => r.baselineState === 'absent'), notRechecked: results.filter((r) => /^Not re-checked in this run/.test(r.message.text)) };
  };

  it('keeps failures open when the calls that judge them were denied, and --only-new does not pass', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: /^GET \/[^?]+\?(acl|policy|policyStatus)=?(&|$)/, fault: { kind: 'status', status: 403, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' } }]);
    try {
      const r = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1,us-east-1', '--baseline', 'baseline.sarif', '--only-new', '-o', 'denied.sarif', '-o', 'denied.json'], { cwd: dir, env: fakeAwsEnv(proxy.endpoint) });
      expect(proxy.faulted).toBeGreaterThan(0);
      expect(r.code).toBe(4);
      const { sarif, absent, notRechecked } = fixedAndOpen('denied.sarif');
      expect(notRechecked.map((x) => x.ruleId)).toContain('storage-public-read');
      expect(notRechecked.every((x) => x.baselineState === 'unchanged' && x.kind === 'fail')).toBe(true);
      expect(absent.filter((x) => /public/.test(x.ruleId))).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, 'denied.json'), 'utf8')).baseline.notRechecked.length).toBe(notRechecked.length);
      expect(sarifSchemaErrors(sarif)).toEqual([]);
      expect(await multitoolProblems(sarif)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('keeps failures open when throttling outlasted the deadline', async () => {
    const proxy = await startFaultProxy(server.endpoint, [{ match: /^GET \/[^?]+\?/, fault: { kind: 'status', status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' } }]);
    try {
      const r = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1,us-east-1', '--deadline', '3s', '--baseline', 'baseline.sarif', '--only-new', '-o', 'throttled.sarif'], { cwd: dir, env: fakeAwsEnv(proxy.endpoint) });
      expect(r.code).toBe(4);
      const { absent, notRechecked } = fixedAndOpen('throttled.sarif');
      expect(notRechecked.length).toBeGreaterThan(0);
      expect(absent.filter((x) => /^storage-/.test(x.ruleId))).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
