import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFakeArmEstate, loadFakeAwsEstate, loadFakeGcpEstate, startFakeArm, startFakeAws, startFakeGcp, type FakeAwsServer } from '@leakproof/testkit';
import { fakeAwsEnv } from './helpers/aws-env.js';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const estateDir = fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url));
let server: FakeAwsServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startFakeAws(loadFakeAwsEstate(estateDir));
  env = fakeAwsEnv(server.endpoint);
});
afterAll(() => server.close());

/** A git repository holding the given files, committed, as a team's would be. */
function repository(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).toString();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'init');
  return dir;
}

function trackedFiles(dir: string): Set<string> {
  return new Set(execFileSync('git', ['ls-files'], { cwd: dir }).toString().split('\n').filter(Boolean));
}

type Result = { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; partialFingerprints: Record<string, string> };

const CONFIG = `# leakproof settings for this repository
providers:
  aws:
    regions: [eu-west-1, us-east-1]
    accounts:
      - "111122223333" # production, audited with the job's own credentials
fail-on: critical
reports:
  - format: sarif
    output: reports/leakproof.sarif
`;

describe('a live audit driven by .leakproof/config.yaml', () => {
  it('audits the scopes the file names and locates every result at the line that declares its account', async () => {
    const dir = repository({ '.leakproof/config.yaml': CONFIG });
    const r = await runCli(['audit', '-q'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'reports/leakproof.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    const results = sarif.runs[0].results as Result[];
    expect(results.length).toBeGreaterThan(50);
    const tracked = trackedFiles(dir);
    for (const result of results) {
      const where = result.locations[0]!.physicalLocation;
      expect(tracked.has(where.artifactLocation.uri)).toBe(true);
      expect(where).toEqual({ artifactLocation: { uri: '.leakproof/config.yaml' }, region: { startLine: 6 } });
    }
    const keys = results.map((x) => `${x.ruleId} ${x.partialFingerprints.primaryLocationLineHash}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lets flags override the file', async () => {
    const dir = repository({ '.leakproof/config.yaml': CONFIG });
    const r = await runCli(['audit', '--regions', 'eu-west-1', '--fail-on', 'none', '--allow-incomplete', '--format', 'json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const regions = new Set((JSON.parse(r.stdout) as { findings: Array<{ region: string }> }).findings.map((f) => f.region));
    expect(regions.has('us-east-1')).toBe(false);
  });

  it('reports an account the file declares but the credentials do not reach as not audited (exit 4)', async () => {
    const dir = repository({ '.leakproof/config.yaml': CONFIG.replace('111122223333', '999988887777') });
    const r = await runCli(['audit', '--fail-on', 'none', '--format', 'sarif', '-o', 'x.sarif'], { cwd: dir, env });
    expect(r.code).toBe(4);
    const notes = JSON.parse(readFileSync(join(dir, 'x.sarif'), 'utf8')).runs[0].invocations[0].toolExecutionNotifications as Array<{ descriptor: { id: string }; message: { text: string } }>;
    const scopes = notes.filter((n) => n.descriptor.id === 'scope-not-audited').map((n) => n.message.text);
    expect(scopes.some((text) => text.startsWith('aws account 999988887777 was not audited: declared at .leakproof/config.yaml:6'))).toBe(true);
  });

  it('refuses an invalid file with one line naming file, line and column (exit 2)', async () => {
    const dir = repository({ '.leakproof/config.yaml': 'providers:\n  aws:\n    region: [eu-west-1]\n' });
    const r = await runCli(['audit'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: .leakproof/config.yaml:3:5: unknown field "region" in providers.aws (did you mean "regions"?)\n');
  });

  it('without a config file, in a GitHub workflow, locates results at the step that runs leakproof', async () => {
    const workflow = 'name: audit\non: schedule\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx leakproof audit --provider aws -o leakproof.sarif\n';
    const dir = repository({ '.github/workflows/audit.yml': workflow });
    const r = await runCli(['audit', '--provider', 'aws', '--regions', 'eu-west-1', '-o', 'leakproof.sarif', '-q'], {
      cwd: dir,
      env: { ...env, GITHUB_WORKFLOW_REF: 'clinic/infra/.github/workflows/audit.yml@refs/heads/main', GITHUB_WORKSPACE: dir },
    });
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'leakproof.sarif'), 'utf8')).runs[0].results as Result[];
    expect(new Set(results.map((x) => JSON.stringify(x.locations[0]!.physicalLocation)))).toEqual(new Set([JSON.stringify({ artifactLocation: { uri: '.github/workflows/audit.yml' }, region: { startLine: 8 } })]));
  });
});

describe('organisation-wide discovery (AWS Organizations)', () => {
  const ORG = {
    id: 'o-exampleorg1',
    pageSize: 2,
    accounts: [
      { Id: '111122223333', Name: 'management', State: 'ACTIVE', Status: 'ACTIVE' },
      { Id: '222233334444', Name: 'patients-prod', State: 'ACTIVE', Status: 'ACTIVE' },
      { Id: '333344445555', Name: 'old-billing', State: 'SUSPENDED', Status: 'SUSPENDED' },
      { Id: '444455556666', Name: 'no-audit-role', State: 'ACTIVE', Status: 'ACTIVE' },
      { Id: '555566667777', Name: 'sandbox', State: 'ACTIVE', Status: 'ACTIVE' },
    ],
  };
  const withOrg = async <T>(run: (s: FakeAwsServer) => Promise<T>, organization: typeof ORG | null = ORG): Promise<T> => {
    const s = await startFakeAws({ ...loadFakeAwsEstate(estateDir), ...(organization ? { organization } : {}), denyAssumeRole: ['444455556666'] });
    try {
      return await run(s);
    } finally {
      await s.close();
    }
  };

  it('lists the accounts page by page, skips suspended and excluded ones, assumes the role in the rest, and reports an unassumable one as not audited', async () => {
    await withOrg(async (s) => {
      const r = await runCli(['audit', '--provider', 'aws', '--organization', 'o-exampleorg1', '--role-name', 'LeakproofAudit', '--exclude-accounts', '555566667777', '--regions', 'eu-west-1', '--fail-on', 'none', '--format', 'sarif', '-o', 'org.sarif', '--format', 'json'], { cwd: tempDir(), env: { ...env, AWS_ENDPOINT_URL: s.endpoint } });
      expect(r.code).toBe(4);
      expect(s.requests.filter((q) => q === 'organizations ListAccounts')).toHaveLength(3);
      expect(s.assumedRoles.map((a) => a.roleArn).sort()).toEqual(['111122223333', '222233334444', '444455556666'].map((a) => `arn:aws:iam::${a}:role/LeakproofAudit`));
      const report = JSON.parse(r.stdout) as { findings: Array<{ account: string }>; notices: Array<{ level: string; message: string }> };
      expect(new Set(report.findings.map((f) => f.account))).toEqual(new Set(['111122223333', '222233334444']));
      expect(report.notices.some((n) => n.level === 'note' && n.message === 'AWS: account 333344445555 (old-billing) is SUSPENDED; skipped')).toBe(true);
      expect(r.stderr).toMatch(/incomplete: aws account 444455556666 was not audited/);
    });
  });

  it('from the config file, locates the accounts it found at the organization line', async () => {
    await withOrg(async (s) => {
      const config = 'providers:\n  aws:\n    regions: [eu-west-1]\n    role-name: LeakproofAudit\n    organization: o-exampleorg1\n    exclude-accounts: ["111122223333", "444455556666", "555566667777"]\n';
      const dir = repository({ '.leakproof/config.yaml': config });
      const r = await runCli(['audit', '--fail-on', 'none', '--allow-incomplete', '-o', 'org.sarif', '-q'], { cwd: dir, env: { ...env, AWS_ENDPOINT_URL: s.endpoint } });
      expect(r.code).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, 'org.sarif'), 'utf8')).runs[0].results as Result[];
      expect(results.length).toBeGreaterThan(50);
      expect(new Set(results.map((x) => JSON.stringify(x.locations[0]!.physicalLocation)))).toEqual(new Set([JSON.stringify({ artifactLocation: { uri: '.leakproof/config.yaml' }, region: { startLine: 5 } })]));
      const keys = results.map((x) => `${x.ruleId} ${x.partialFingerprints.primaryLocationLineHash}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('takes --role-name over the role the config file gives its organization', async () => {
    await withOrg(async (s) => {
      const config = 'providers:\n  aws:\n    regions: [eu-west-1]\n    role-name: LeakproofAudit\n    organization: o-exampleorg1\n    exclude-accounts: ["111122223333", "444455556666", "555566667777"]\n';
      const dir = repository({ '.leakproof/config.yaml': config });
      const r = await runCli(['audit', '--role-name', 'OtherAudit', '--exclude-accounts', '111122223333,444455556666,555566667777,333344445555', '--fail-on', 'none', '--allow-incomplete', '-q'], { cwd: dir, env: { ...env, AWS_ENDPOINT_URL: s.endpoint } });
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      expect(s.assumedRoles.map((a) => a.roleArn)).toEqual(['arn:aws:iam::222233334444:role/OtherAudit']);
    });
  });

  it('audits nothing, and says why, when the credentials cannot list the organization', async () => {
    await withOrg(async (s) => {
      const r = await runCli(['audit', '--provider', 'aws', '--organization', 'o-exampleorg1', '--role-name', 'LeakproofAudit', '--regions', 'eu-west-1', '--format', 'json'], { cwd: tempDir(), env: { ...env, AWS_ENDPOINT_URL: s.endpoint } });
      expect(r.code).toBe(4);
      expect(s.assumedRoles).toEqual([]);
      expect(r.stderr).toContain('AWSOrganizationsNotInUseException');
    }, null);
  });

  it('lists the discovery call in the permissions it prints', async () => {
    const r = await runCli(['permissions', 'aws']);
    expect(JSON.parse(r.stdout).Statement[0].Action).toContain('organizations:ListAccounts');
  });
});

describe('discovery roots of GCP and Azure in the config file', () => {
  const locations = (dir: string) => new Set((JSON.parse(readFileSync(join(dir, 'live.sarif'), 'utf8')).runs[0].results as Result[]).map((x) => `${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`));

  it('GCP: audits every project under the folders, through subfolders, and locates them at the folders line', async () => {
    const gcp = await startFakeGcp({ ...loadFakeGcpEstate(fileURLToPath(new URL('./fixtures/gcp/estate/', import.meta.url))), hierarchy: { 'folders/10': { folders: ['folders/11'], projects: ['clinic-prod'] }, 'folders/11': { projects: ['clinic-regulated'] } } });
    try {
      const dir = repository({ '.leakproof/config.yaml': '# GCP estate\nproviders:\n  gcp:\n    folders: ["10"]\n' });
      const r = await runCli(['audit', '--fail-on', 'none', '--allow-incomplete', '-o', 'live.sarif', '--format', 'json'], { cwd: dir, env: { STORAGE_EMULATOR_HOST: gcp.endpoint, LEAKPROOF_GCP_API_ENDPOINT: gcp.endpoint } });
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { scopes: Array<{ kind: string; account: string }> };
      expect(report.scopes.filter((x) => x.kind === 'project').map((x) => x.account).sort()).toEqual(['clinic-prod', 'clinic-regulated']);
      expect(locations(dir)).toEqual(new Set(['.leakproof/config.yaml:4']));
      expect(gcp.requests).toContain('cloudresourcemanager projects.list folders/11');
    } finally {
      await gcp.close();
    }
  });

  it('Azure: audits every subscription below the management group and locates them at its line', async () => {
    const arm = await startFakeArm(loadFakeArmEstate(fileURLToPath(new URL('./fixtures/azure/estate/', import.meta.url))));
    try {
      const dir = repository({ '.leakproof/config.yaml': 'providers:\n  azure:\n    management-groups:\n      - clinic-root\n' });
      const r = await runCli(['audit', '--fail-on', 'none', '--allow-incomplete', '-o', 'live.sarif', '--format', 'json'], { cwd: dir, env: { LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint } });
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { scopes: Array<{ kind: string; account: string }> };
      expect(report.scopes.filter((x) => x.kind === 'subscription')).toHaveLength(2);
      expect(locations(dir)).toEqual(new Set(['.leakproof/config.yaml:3']));
      expect(arm.requests).not.toContain('GET /subscriptions');
    } finally {
      await arm.close();
    }
  });

  it('lists the discovery calls in the permissions it prints', async () => {
    expect((await runCli(['permissions', 'gcp'])).stdout).toContain('resourcemanager.folders.list');
    expect((await runCli(['permissions', 'azure'])).stdout).toContain('Microsoft.Management/managementGroups/descendants/read');
  });
});

describe('leakproof init', () => {
  it('writes a commented starter that validates, and refuses to overwrite it', async () => {
    const dir = tempDir();
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote .leakproof/config.yaml; review it, then run "leakproof audit"\n');
    const text = readFileSync(join(dir, '.leakproof/config.yaml'), 'utf8');
    expect(text).toContain('# providers:');
    expect(text).toContain('fail-on: high');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('leakproof: .leakproof/config.yaml already exists; edit it, or pass --force to replace it\n');
    // With no providers named, an audit says what to do rather than passing.
    const audit = await runCli(['audit'], { cwd: dir });
    expect(audit.code).toBe(2);
    expect(audit.stderr).toContain('name providers in .leakproof/config.yaml');
  });

  it('with --provider aws fills in the account of the credentials, and the audit then needs no flags', async () => {
    const dir = tempDir();
    const r = await runCli(['init', '--provider', 'aws'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('with the scopes of aws (1)');
    const text = readFileSync(join(dir, '.leakproof/config.yaml'), 'utf8');
    expect(text).toContain('      - "111122223333" # the account of the credentials');
    const audit = await runCli(['audit', '--regions', 'eu-west-1', '--format', 'sarif', '-o', 'x.sarif', '-q'], { cwd: dir, env });
    expect(audit.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('"111122223333"')) + 1;
    const results = JSON.parse(readFileSync(join(dir, 'x.sarif'), 'utf8')).runs[0].results as Result[];
    expect(new Set(results.map((x) => x.locations[0]!.physicalLocation.region.startLine))).toEqual(new Set([line]));
  });
});
