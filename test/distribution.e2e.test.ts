import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

const PUBLISHED = ['packages/core', 'packages/aws', 'packages/gcp', 'packages/azure', 'packages/terraform', 'packages/cli'];
const pnpmSpec = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let project: string;

// Packs every published package as it would be uploaded, installs the tarballs with plain npm in an
// empty directory (no workspace, no pnpm), and uses them from there.
beforeAll(async () => {
  const tarballs = mkdtempSync(join(tmpdir(), 'leakproof-tarballs-'));
  for (const pkg of PUBLISHED) {
    const r = await sh('npx', ['--yes', pnpmSpec, 'pack', '--pack-destination', tarballs], join(repoRoot, pkg));
    expect(r.code, r.stderr).toBe(0);
  }
  project = mkdtempSync(join(tmpdir(), 'leakproof-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], project, { ...process.env, npm_config_workspaces: undefined });
  expect(install.code, install.stderr).toBe(0);
}, 600_000);

describe('the packed npm packages', () => {
  it('contain only what they need', () => {
    const core = JSON.parse(readFileSync(join(project, 'node_modules/@leakproof/core/package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(core.exports)).toEqual(['.', './schemas/*.json', './package.json']);
    expect(readdirSync(join(project, 'node_modules/@leakproof/core/policies'))).toContain('storage.yaml');
    expect(readdirSync(join(project, 'node_modules/@leakproof/core'))).not.toContain('src');
  });

  it('run `npx leakproof audit --demo` from the installed tarballs', async () => {
    const r = await sh('npx', ['leakproof', 'audit', '--demo', '--format', 'json'], project);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resourceName: string; status: string }> };
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'storage-public-read', resourceName: 'lumiskin-invoices', status: 'fail' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'database-internet-reachable', resourceName: 'lumiskin-patients', status: 'fail' }));
  });

  it('let a script audit a snapshot through the public API of @leakproof/core', async () => {
    writeFileSync(
      join(project, 'estate.json'),
      JSON.stringify({
        schemaVersion: 1,
        resources: [
          { id: 'arn:aws:s3:::photos', kind: 'storage-bucket', provider: 'aws', account: '1', region: 'eu-west-1', name: 'photos', tags: {}, facts: { publicRead: { value: true, evidence: ['ACL grant to AllUsers: READ'] } } },
        ],
      }),
    );
    writeFileSync(
      join(project, 'audit.mjs'),
      `import { audit, loadPolicies, readSnapshot, toSarif } from '@leakproof/core';
const { resources } = readSnapshot('estate.json');
const result = audit({ resources, policies: loadPolicies(), frameworks: ['hipaa'] });
const failed = result.findings.filter((f) => f.status === 'fail').map((f) => f.rule.id + ' ' + f.resource.id + ' ' + f.evidence.join('; '));
const sarif = toSarif(result, { toolVersion: '0.1.0' });
console.log(JSON.stringify({ failed, results: sarif.runs[0].results.length }));
`,
    );
    const r = await sh(process.execPath, ['audit.mjs'], project);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ failed: ['storage-public-read arn:aws:s3:::photos ACL grant to AllUsers: READ'], results: 1 });
  });
});
