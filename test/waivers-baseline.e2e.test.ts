import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const waiverYaml = (expires: string) => `waivers:
  - rule: snapshot-public
    resource: arn:aws:rds:eu-west-1:111122223333:snapshot:lumiskin-patients-2023-export
    owner: dpo@lumiskin.example
    reason: Export shared with the regulator until the inquiry closes.
    expires: ${expires}
`;

describe('waivers from .leakproof/waivers.yaml', () => {
  it('suppress the finding in SARIF with its justification, and it no longer fails the run', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.leakproof'));
    writeFileSync(join(dir, '.leakproof/waivers.yaml'), waiverYaml('2099-12-31'));
    const r = await runCli(['audit', '--demo', '--fail-on', 'critical', '-o', 'out.sarif', '-o', 'out.json', '-q'], { cwd: dir });
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    const waived = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'snapshot-public');
    expect(waived.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: expect.stringContaining('Export shared with the regulator') }]);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).summary.waived).toBe(1);
    expect(r.code).toBe(1); // other critical failures remain
  });

  it('stops suppressing an expired waiver and says it expired', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.leakproof'));
    writeFileSync(join(dir, '.leakproof/waivers.yaml'), waiverYaml('2020-01-31'));
    const r = await runCli(['audit', '--demo', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout);
    const finding = report.findings.find((f: { ruleId: string; status: string }) => f.ruleId === 'snapshot-public' && f.status === 'fail');
    expect(finding.waiver).toBeUndefined();
    expect(finding.expiredWaiver).toMatchObject({ expires: '2020-01-31' });
    expect(report.notices.some((n: { message: string }) => /expired on 2020-01-31/.test(n.message))).toBe(true);
  });

  it('rejects a bad waiver file with file:line and exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.yaml'), waiverYaml('2099-12-31').replace('snapshot-public', 'snapshot-publik'));
    const r = await runCli(['audit', '--demo', '--waivers', 'w.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('leakproof: w.yaml:2:11: unknown rule "snapshot-publik" (did you mean "snapshot-public"?)\n');
  });
});

describe('baselines', () => {
  it('marks results against an earlier SARIF and fails only on new ones with --only-new', async () => {
    const dir = tempDir();
    await runCli(['audit', '--demo', '-o', 'before.sarif', '-q'], { cwd: dir });
    const r = await runCli(['audit', '--demo', '--baseline', 'before.sarif', '--only-new', '-o', 'after.sarif', '-q'], { cwd: dir });
    expect(r.code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'after.sarif'), 'utf8'));
    expect(new Set(after.runs[0].results.map((x: { baselineState: string }) => x.baselineState))).toEqual(new Set(['unchanged']));
    expect(sarifSchemaErrors(after)).toEqual([]);
  });

  it('fails on a new finding with --only-new', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.sarif'), JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'leakproof' } }, results: [] }] }));
    const r = await runCli(['audit', '--demo', '--baseline', 'empty.sarif', '--only-new', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.filter((f: { status: string }) => f.status === 'fail').every((f: { baselineState: string }) => f.baselineState === 'new')).toBe(true);
  });
});

describe('leakproof merge', () => {
  it('combines sharded SARIF into one valid file', async () => {
    const dir = tempDir();
    await runCli(['audit', '--demo', '-o', 'a.sarif', '-q'], { cwd: dir });
    await runCli(['audit', '--demo', '--framework', 'gdpr', '-o', 'b.sarif', '-q'], { cwd: dir });
    const r = await runCli(['merge', 'a.sarif', 'b.sarif', '-o', 'all.sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    // The GDPR shard repeats findings of the full one: each is kept once, and the count is said.
    const shardA = JSON.parse(readFileSync(join(dir, 'a.sarif'), 'utf8')).runs[0].results.length as number;
    expect(r.stdout).toMatch(new RegExp(`^merged 2 files into all.sarif: 1 run\\(s\\), ${shardA} results; removed \\d+ duplicate result\\(s\\)`));
    const merged = JSON.parse(readFileSync(join(dir, 'all.sarif'), 'utf8'));
    expect(merged.runs[0].results).toHaveLength(shardA);
    expect(sarifSchemaErrors(merged)).toEqual([]);
    expect(await multitoolProblems(merged)).toEqual([]);
  });
});
