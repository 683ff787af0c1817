import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFakeAwsEstate, startFakeAws, syntheticAwsEstate } from '@leakproof/testkit';
import { repoRoot } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const bundle = join(repoRoot, 'packages/action/dist/index.js');

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIMITER ... DELIMITER`). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

function workspace(): { dir: string; output: string; summary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'leakproof-action-'));
  const output = join(dir, 'github-output.txt');
  const summary = join(dir, 'step-summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return { dir, output, summary };
}

function exec(cmd: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: stdout + stderr }));
  });
}

const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' });

/** Runs the committed bundle as GitHub's runner does: `node dist/index.js` with INPUT_* variables. */
async function runBundle(inputs: Record<string, string>, extraEnv: Record<string, string> = {}, files: Record<string, string> = {}): Promise<ActionRun> {
  const ws = workspace();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws.dir, path)), { recursive: true });
    writeFileSync(join(ws.dir, path), text);
  }
  const env: Record<string, string> = { ...baseEnv(), GITHUB_WORKSPACE: ws.dir, GITHUB_OUTPUT: ws.output, GITHUB_STEP_SUMMARY: ws.summary, ...extraEnv };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await exec(process.execPath, [bundle], env, ws.dir);
  return { ...r, outputs: parseOutputs(readFileSync(ws.output, 'utf8')), summary: readFileSync(ws.summary, 'utf8'), workspace: ws.dir };
}

describe('the committed Action bundle', () => {
  it('is exactly what the sources build to', async () => {
    const out = mkdtempSync(join(tmpdir(), 'leakproof-bundle-'));
    const r = await exec(process.execPath, [join(repoRoot, 'packages/action/scripts/bundle.mjs'), out], { ...baseEnv() }, repoRoot);
    expect(r.code).toBe(0);
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)).map((x) => join(f, x)) : [f])).sort();
    const committed = join(repoRoot, 'packages/action/dist');
    expect(files(out)).toEqual(files(committed));
    for (const f of files(out)) {
      expect(readFileSync(join(out, f)).equals(readFileSync(join(committed, f))), `${relative(repoRoot, join(committed, f))} is stale: run pnpm bundle and commit it`).toBe(true);
    }
  });

  it('runs directly with INPUT_* variables and sets outputs, annotations, the job summary and the exit status', async () => {
    const workflow = 'on: schedule\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: leakproof/leakproof@v1\n';
    const r = await runBundle(
      { demo: 'true', 'fail-on': 'critical', sarif: 'reports/leakproof.sarif', category: 'demo' },
      { GITHUB_WORKFLOW_REF: 'clinic/infra/.github/workflows/leakproof.yml@refs/heads/main' },
      { '.github/workflows/leakproof.yml': workflow },
    );
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ 'sarif-path': 'reports/leakproof.sarif', findings: '20', 'new-findings': '20', verdict: 'fail' });
    // Live findings are located in the repository: the workflow step that runs leakproof.
    expect(r.stdout).toContain('::error title=storage-public-read%3A Storage is readable by anyone on the internet,file=.github/workflows/leakproof.yml,line=7::lumiskin-invoices lets anyone');
    // The demo's patient buckets are tagged PHI: the low customer-managed-key rule is raised to a warning there.
    expect(r.stdout).toMatch(/::warning title=storage-customer-managed-key%3A[^\n]*::lumiskin-patient-photos /);
    expect(r.stdout).toContain('::error::leakproof: 7 finding(s) at or above critical (see the job summary)');
    // At most ten annotations of each level, the most severe first; the summary says how many were left out.
    const annotations = r.stdout.split('\n').filter((l) => /^::(error|warning|notice) title=/.test(l));
    const levels = annotations.map((l) => /^::(\w+)/.exec(l)![1]!);
    for (const level of ['error', 'warning', 'notice']) expect(levels.filter((l) => l === level).length).toBeLessThanOrEqual(10);
    // The demo has 20 failures, 16 of them errors (critical and high, PHI raises included): ten errors, the
    // most severe first, and every warning and notice are annotated; the summary says six were not.
    expect(annotations).toHaveLength(14);
    expect(annotations.slice(0, 10).every((l) => l.startsWith('::error'))).toBe(true);
    expect(annotations.slice(0, 7).every((l) => /::error title=(storage-public-read|storage-public-list|snapshot-public|database-internet-reachable|database-publicly-accessible|network-database-port-internet)%3A/.test(l))).toBe(true);
    expect(r.summary).toContain('6 failure(s) were not annotated');
    // The summary opens with the verdict, the threshold and the counts; compliance is folded away.
    const order = ['**Verdict: FAIL', 'Threshold: `critical`', '| Severity | Failed |', '| critical | **7** |', '### Failures', 'Remediation:', '<details><summary>Compliance by control</summary>', '### HIPAA Security Rule'].map((t) => r.summary.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const sarif = JSON.parse(readFileSync(join(r.workspace, 'reports/leakproof.sarif'), 'utf8'));
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'demo/' });
    expect(new Set(sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(['.github/workflows/leakproof.yml']));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
  });

  it('with only-new, annotates only the new failures', async () => {
    const first = await runBundle({ demo: 'true', 'fail-on': 'critical' });
    // The baseline knew only the first five failures: the other fifteen are new.
    const log = JSON.parse(readFileSync(join(first.workspace, 'leakproof.sarif'), 'utf8'));
    log.runs[0].results = log.runs[0].results.slice(0, 5);
    const baseline = JSON.stringify(log);
    const r = await runBundle({ demo: 'true', 'fail-on': 'critical', baseline: 'base.sarif', 'only-new': 'true' }, {}, { 'base.sarif': baseline });
    expect(r.outputs['new-findings']).toBe('15');
    const annotations = r.stdout.split('\n').filter((l) => /^::(error|warning|notice) title=/.test(l));
    const known = (log.runs[0].results as Array<{ ruleId: string; locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string }> }> }>).map((x) => ({ rule: `title=${x.ruleId}%3A`, resource: `(${x.locations[0]!.logicalLocations[0]!.fullyQualifiedName})` }));
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.length).toBeLessThanOrEqual(15);
    for (const k of known) expect(annotations.some((a) => a.includes(k.rule) && a.includes(k.resource))).toBe(false);
    expect(r.summary).toContain(`${20 - annotations.length} failure(s) were not annotated`);
  });

  it("with annotate 'false' (a baseline run), writes the SARIF and outputs but no annotation or summary", async () => {
    const r = await runBundle({ demo: 'true', 'fail-on': 'none', annotate: 'false' });
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('20');
    expect(r.stdout).not.toMatch(/^::(error|warning|notice) /m);
    expect(r.summary).toBe('');
  });

  it('on a configuration error, sets verdict "error" and annotates the config file at its line', async () => {
    const r = await runBundle({ demo: 'true' }, {}, { '.leakproof/config.yaml': 'frameworks: [hipaa]\nfail-on: severe\n' });
    expect(r.code).toBe(1);
    expect(r.outputs.verdict).toBe('error');
    expect(r.stdout).toContain('::error title=leakproof configuration,file=.leakproof/config.yaml,line=2,col=10::fail-on: "severe" is not one of critical, high, medium, low, info, none');
  });

  it('takes the threshold, frameworks and SARIF path from the config file', async () => {
    const r = await runBundle({ demo: 'true' }, {}, { '.leakproof/config.yaml': 'frameworks: [gdpr]\nfail-on: none\nreports:\n  - format: sarif\n    output: out/lp.sarif\n' });
    expect(r.code).toBe(0);
    expect(r.outputs['sarif-path']).toBe('out/lp.sarif');
    expect(r.summary).not.toContain('### HIPAA');
  });

  it('passes when nothing reaches the threshold', async () => {
    const r = await runBundle({ demo: 'true', 'fail-on': 'none' });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('pass');
  });

  it('fails with a one-line message on bad input', async () => {
    const r = await runBundle({ demo: 'true', 'fail-on': 'severe' });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe('::error::leakproof: fail-on: "severe" is not one of critical, high, medium, low, info, none');
  });

  it('audits AWS live with credentials from the environment and never writes a secret anywhere', async () => {
    const server = await startFakeAws(loadFakeAwsEstate(fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url))));
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYACTIONKEY';
    try {
      const r = await runBundle(
        { providers: 'aws', regions: 'eu-west-1', 'fail-on': 'critical' },
        { AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: 'AKIAACTIONEXAMPLE', AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: 'ACTIONSESSIONTOKEN', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('clinic-invoices-policy lets anyone on the internet read its objects');
      // Far more failures than annotations: ten of each level at most, and the summary says how many were left out.
      const levels = r.stdout.split('\n').flatMap((l) => /^::(error|warning|notice) title=/.exec(l)?.[1] ?? []);
      for (const level of ['error', 'warning', 'notice']) expect(levels.filter((l) => l === level).length).toBeLessThanOrEqual(10);
      expect(levels.filter((l) => l === 'error')).toHaveLength(10);
      expect(r.summary).toContain(`${Number(r.outputs.findings) - levels.length} failure(s) were not annotated`);
      const everything = [r.stdout, r.summary, JSON.stringify(r.outputs), readFileSync(join(r.workspace, 'leakproof.sarif'), 'utf8')].join('\n');
      for (const s of [secret, 'AKIAACTIONEXAMPLE', 'ACTIONSESSIONTOKEN']) expect(everything).not.toContain(s);
    } finally {
      await server.close();
    }
  });
});

describe('the Action on a large AWS estate', () => {
  it("reads 300 buckets' settings on the request threads its bundle ships", async () => {
    // Past 250 buckets and snapshots, the per-bucket reads move to request threads (aws-call-worker.js beside the bundle).
    const server = await startFakeAws(syntheticAwsEstate({ buckets: 300 }));
    try {
      const r = await runBundle(
        { providers: 'aws', 'fail-on': 'critical' },
        { AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: 'AKIAACTIONEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      );
      expect(r.outputs.verdict).toBe('fail');
      expect(r.code).toBe(1);
      expect(server.requests.filter((q) => q.startsWith('s3 acl '))).toHaveLength(300);
      const everything = [r.stdout, r.summary].join('\n');
      expect(everything).not.toMatch(/request threads module|WorkerFailed|request thread stopped/);
    } finally {
      await server.close();
    }
  });
});

describe('the Action audits an AWS Organization', () => {
  it('lists the accounts from its inputs, assumes role-name in each, skips the excluded, and writes the SARIF into a new directory', async () => {
    const organization = {
      id: 'o-exampleorg1',
      pageSize: 1,
      accounts: [
        { Id: '111122223333', Name: 'management', State: 'ACTIVE', Status: 'ACTIVE' },
        { Id: '222233334444', Name: 'patients-prod', State: 'ACTIVE', Status: 'ACTIVE' },
        { Id: '555566667777', Name: 'sandbox', State: 'ACTIVE', Status: 'ACTIVE' },
      ],
    };
    const server = await startFakeAws({ ...loadFakeAwsEstate(fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url))), organization });
    try {
      const r = await runBundle(
        { providers: 'aws', organization: 'o-exampleorg1', 'role-name': 'LeakproofAudit', 'exclude-accounts': '111122223333, 555566667777', regions: 'eu-west-1', 'fail-on': 'none', 'allow-incomplete': 'true', sarif: 'reports/aws/org.sarif' },
        { AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: 'AKIAACTIONEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
      );
      expect(r.code).toBe(0);
      expect(server.assumedRoles.map((a) => a.roleArn)).toEqual(['arn:aws:iam::222233334444:role/LeakproofAudit']);
      const sarif = JSON.parse(readFileSync(join(r.workspace, 'reports/aws/org.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
      expect(sarif.runs[0]!.results.length).toBeGreaterThan(10);
      expect(r.outputs['sarif-path']).toBe('reports/aws/org.sarif');
    } finally {
      await server.close();
    }
  });
});

describe("GitHub's local runner (@github/local-action)", () => {
  it('runs the committed bundle from an env file of inputs', async () => {
    const ws = workspace();
    const envFile = join(ws.dir, '.env');
    writeFileSync(envFile, [`INPUT_DEMO=true`, `INPUT_FAIL-ON=high`, `INPUT_SARIF=leakproof.sarif`, `GITHUB_WORKSPACE=${ws.dir}`, `GITHUB_OUTPUT=${ws.output}`, `GITHUB_STEP_SUMMARY=${ws.summary}`].join('\n') + '\n');
    // local-action's launcher runs its own TypeScript entry with tsx; calling that entry directly avoids
    // the launcher's `pnpm dlx`, which needs a global pnpm.
    const localAction = realpathSync(join(repoRoot, 'node_modules/@github/local-action'));
    const tsx = createRequire(join(localAction, 'package.json')).resolve('tsx/cli');
    const r = await exec(process.execPath, [tsx, join(localAction, 'src/index.ts'), 'run', repoRoot, bundle, envFile], { ...baseEnv(), TARGET_ACTION_PATH: repoRoot, NODE_NO_WARNINGS: '1' }, ws.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Running Action');
    expect(r.stdout).toMatch(/::error title=database-internet-reachable%3A Database is reachable from the internet,file=.leakproof\/config.yaml,line=1::/);
    expect(parseOutputs(readFileSync(ws.output, 'utf8'))).toEqual({ 'sarif-path': 'leakproof.sarif', findings: '20', 'new-findings': '20', verdict: 'fail' });
    expect(readFileSync(ws.summary, 'utf8')).toContain('### GDPR');
    const sarif = JSON.parse(readFileSync(join(ws.dir, 'leakproof.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
  });
});
