import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';
import { repoRoot, runCli, tempDir } from './helpers/cli.js';

const demo = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/demo/medical-imaging-estate.json'), 'utf8')) as { resources: Array<{ id: string; name: string }> };

describe('leakproof audit --demo', () => {
  it('finds the three planted leaks and exits 1', async () => {
    const { code, stdout } = await runCli(['audit', '--demo']);
    expect(code).toBe(1);
    // The patient-photo bucket is tagged PHI: its public read is the first finding, and listing it is raised to critical.
    expect(stdout.split('\n')[1]).toMatch(/^critical\s+storage-public-read\s+aws:lumiskin-patient-photos\s+\[PHI\] /);
    expect(stdout.match(/storage-public-read\s+aws:lumiskin-patient-photos/g)).toHaveLength(1);
    expect(stdout).toMatch(/critical\s+storage-public-list\s+aws:lumiskin-patient-photos/);
    expect(stdout).toMatch(/critical\s+storage-public-read\s+aws:lumiskin-invoices/);
    expect(stdout).toMatch(/critical\s+database-internet-reachable\s+aws:lumiskin-patients\s/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('shows only the severities asked for, and evidence under every failure with -v', async () => {
    const critical = await runCli(['audit', '--demo', '--severity', 'critical']);
    expect(critical.code).toBe(1);
    const rows = critical.stdout.split('\n').filter((l) => /^(critical|high|medium|low|info) {2,}[a-z]/.test(l));
    expect(rows.length).toBe(7);
    expect(rows.every((l) => l.startsWith('critical '))).toBe(true);
    expect(critical.stdout).toContain('critical 7  ·  high 9  ·  medium 3');
    const quiet = await runCli(['audit', '--demo']);
    expect(quiet.stdout).not.toMatch(/^medium .*storage-customer-managed-key.*\n {10}↳ /m);
    const verbose = await runCli(['audit', '--demo', '-v']);
    expect(verbose.stdout).toMatch(/^medium .*storage-customer-managed-key.*\n {10}↳ /m);
    expect((await runCli(['audit', '--demo', '--severity', 'severe'])).stderr).toBe('leakproof: --severity: "severe" is not one of critical, high, medium, low, info\n');
  });

  it('piped, keeps console lines whole unless COLUMNS asks for a width', async () => {
    // Characters as a terminal shows them (the console's … and ↳ are one each).
    const shown = (line: string) => [...new Intl.Segmenter().segment(line)].length;
    const whole = (await runCli(['audit', '--demo'])).stdout.split('\n');
    expect(Math.max(...whole.map(shown))).toBeGreaterThan(100);
    const narrow = (await runCli(['audit', '--demo'], { env: { COLUMNS: '80' } })).stdout.split('\n');
    expect(Math.max(...narrow.map(shown))).toBeLessThanOrEqual(80);
    expect(narrow.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('raises nothing against the well-configured resources', async () => {
    const { stdout } = await runCli(['audit', '--demo', '--format', 'json']);
    const report = JSON.parse(stdout) as { findings: Array<{ status: string; resourceName: string }> };
    const failing = new Set(report.findings.filter((f) => f.status === 'fail').map((f) => f.resourceName));
    for (const name of ['lumiskin-backups', 'lumiskin-analytics', 'lumiskin-imaging-archive-eu', 'db-private (sg-0b2c3d4e5f6071829)']) expect(failing).not.toContain(name);
    expect(report.findings.filter((f) => f.status === 'not-evaluated')).toEqual([]);
  });

  it('writes SARIF, JSON and Markdown in one run, and the SARIF passes the official schema and the multitool', async () => {
    const dir = tempDir();
    const { code, stdout } = await runCli(['audit', '--demo', '--format', 'sarif', '-o', 'out/r.sarif', '-o', 'out/r.json', '--format', 'markdown', '-o', 'out/r.md', '--quiet'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const sarif = JSON.parse(readFileSync(join(dir, 'out/r.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(10);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'out/r.json'), 'utf8')).summary.fail).toBeGreaterThan(10);
    expect(readFileSync(join(dir, 'out/r.md'), 'utf8')).toContain('## HIPAA Security Rule');
  });

  it('exits by the --fail-on threshold', async () => {
    expect((await runCli(['audit', '--demo', '--fail-on', 'none', '-q'])).code).toBe(0);
    expect((await runCli(['audit', '--demo', '--fail-on', 'critical', '-q'])).code).toBe(1);
  });

  it('exits 4, not 0, when no failure is found but critical rules could not be evaluated, and 0 with --allow-incomplete', async () => {
    const dir = tempDir();
    const clean = { schemaVersion: 1, resources: [{ id: 'b', kind: 'storage-bucket', provider: 'aws', account: '1', region: 'r', name: 'b', tags: {}, facts: { publicRead: { value: false, evidence: [] } } }] };
    writeFileSync(join(dir, 's.json'), JSON.stringify(clean));
    const strict = await runCli(['audit', '--snapshot', 's.json', '--fail-on', 'critical'], { cwd: dir });
    expect(strict.code).toBe(4);
    expect(strict.stdout).toContain('0 failed');
    expect(strict.stdout).toMatch(/Verdict: INCOMPLETE/);
    expect(strict.stdout).toMatch(/incomplete: rule storage-public-write \(at or above critical\) was not evaluated for 1 resource\(s\): b/);
    const accepted = await runCli(['audit', '--snapshot', 's.json', '--fail-on', 'critical', '--allow-incomplete'], { cwd: dir });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/Verdict: PASS, incomplete accepted/);
  });

  it('reproduces the same findings from a saved snapshot', async () => {
    const dir = tempDir();
    const first = await runCli(['audit', '--demo', '--save-snapshot', 'saved.json', '--format', 'json'], { cwd: dir });
    const second = await runCli(['audit', '--snapshot', 'saved.json', '--format', 'json'], { cwd: dir });
    const outcome = (text: string) => (JSON.parse(text) as { findings: Array<{ ruleId: string; resourceId: string; status: string }> }).findings.map((f) => `${f.ruleId} ${f.resourceId} ${f.status}`).sort();
    expect(outcome(second.stdout)).toEqual(outcome(first.stdout));
    expect(JSON.parse(readFileSync(join(dir, 'saved.json'), 'utf8')).resources).toHaveLength(demo.resources.length);
  });

  it('limits rules to the chosen framework', async () => {
    const { stdout } = await runCli(['audit', '--demo', '--framework', 'gdpr', '--format', 'markdown']);
    expect(stdout).toContain('## GDPR');
    expect(stdout).not.toContain('## HIPAA');
  });
});

describe('bad input exits 2 with one line naming the file and position', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('a missing snapshot', async () => {
    const r = await runCli(['audit', '--snapshot', 'nope.json'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: nope.json: cannot read the file (does it exist?)\n');
  });

  it('malformed JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{\n  "schemaVersion": 1,\n  "resources": [\n');
    const r = await runCli(['audit', '--snapshot', 'bad.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^leakproof: bad\.json:4:1: invalid JSON: /);
    oneLine(r.stderr);
  });

  it('an empty snapshot', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.json'), '');
    const r = await runCli(['audit', '--snapshot', 'empty.json'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'leakproof: empty.json:1:1: the file is empty\n']);
  });

  it('a snapshot from a newer schema version', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'new.json'), '{\n  "schemaVersion": 2,\n  "resources": []\n}\n');
    const r = await runCli(['audit', '--snapshot', 'new.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: new.json:2:20: snapshot schemaVersion 2 is newer than this leakproof supports (1); upgrade leakproof\n');
  });

  it('a policy pack with a misspelt operator', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), 'overrides:\n  - id: storage-versioning\n    where: { path: resource.provider, equal: aws }\n');
    const r = await runCli(['audit', '--demo', '--policies', 'p.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: p.yaml:3:39: unknown operator "equal" (did you mean "equals"?)\n');
  });

  it('an unknown option', async () => {
    const r = await runCli(['audit', '--demo', '--fial-on', 'high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^leakproof: unknown option '--fial-on'/);
    oneLine(r.stderr);
  });

  it('shows the stack trace only with --debug', async () => {
    const r = await runCli(['audit', '--snapshot', 'nope.json', '--debug'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('other commands', () => {
  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('prints help with the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2  usage or input error');
    expect((await runCli(['audit', '--help'])).stdout).toContain('--fail-on SEVERITY');
  });

  it('lists rules with their controls', async () => {
    const r = await runCli(['rules', '--framework', 'hipaa']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/critical\s+storage-public-read\s+storage-bucket/);
    expect(r.stdout).toContain('hipaa: 164.312(a)(1)');
  });

  it('validates policy packs, printing every problem as file:line:col', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'good.yaml'), 'disable:\n  - storage-versioning\n');
    writeFileSync(join(dir, 'bad.yaml'), 'disable:\n  - storage-versionin\noverrides:\n  - id: nope\n    severity: low\n');
    expect(await runCli(['validate-policies', 'good.yaml'], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: \d+ rules/) });
    const bad = await runCli(['validate-policies', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'bad.yaml:4:9: override of unknown rule "nope"',
      'bad.yaml:2:5: cannot disable unknown rule "storage-versionin" (did you mean "storage-versioning"?)',
    ]);
  });
});
