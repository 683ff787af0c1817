import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFakeAwsEstate, startFakeAws } from '@leakproof/testkit';
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
async function runBundle(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const ws = workspace();
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
    const r = await runBundle({ demo: 'true', 'fail-on': 'critical', sarif: 'reports/leakproof.sarif', category: 'demo' });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ 'sarif-path': 'reports/leakproof.sarif', findings: '20', 'new-findings': '20', verdict: 'fail' });
    expect(r.stdout).toContain('::error title=storage-public-read%3A Storage is readable by anyone on the internet,file=policies/storage.yaml,line=4::lumiskin-invoices lets anyone');
    expect(r.stdout).toMatch(/::warning title=storage-tls-enforced/);
    expect(r.stdout).toContain('::error::leakproof: 5 finding(s) at or above critical (see the job summary)');
    expect(r.summary).toContain('| Control | Passed | Failed | Not evaluated |');
    expect(r.summary).toContain('### HIPAA Security Rule');
    expect(r.summary).toContain('Waived: 0. Not evaluated: 0.');
    const sarif = JSON.parse(readFileSync(join(r.workspace, 'reports/leakproof.sarif'), 'utf8'));
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'demo/' });
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
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
      const everything = [r.stdout, r.summary, JSON.stringify(r.outputs), readFileSync(join(r.workspace, 'leakproof.sarif'), 'utf8')].join('\n');
      for (const s of [secret, 'AKIAACTIONEXAMPLE', 'ACTIONSESSIONTOKEN']) expect(everything).not.toContain(s);
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
    expect(r.stdout).toMatch(/::error title=database-internet-reachable%3A Database is reachable from the internet,file=policies\/database.yaml,line=3::/);
    expect(parseOutputs(readFileSync(ws.output, 'utf8'))).toEqual({ 'sarif-path': 'leakproof.sarif', findings: '20', 'new-findings': '20', verdict: 'fail' });
    expect(readFileSync(ws.summary, 'utf8')).toContain('### GDPR');
    const sarif = JSON.parse(readFileSync(join(ws.dir, 'leakproof.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
  });
});
