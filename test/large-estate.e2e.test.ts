import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';
// @ts-expect-error: a plain .mjs helper shared with the benchmarks
import { writeLargeSnapshot } from './helpers/large-estate.mjs';

describe('a 20,000-resource estate', () => {
  it('goes through every report format in one run, each report complete', async () => {
    const dir = tempDir();
    (writeLargeSnapshot as (file: string, count: number) => void)(join(dir, 'large.json'), 20_000);
    const r = await runCli(['audit', '--snapshot', 'large.json', '--format', 'sarif', '-o', 'r.sarif', '--format', 'json', '-o', 'r.json', '--format', 'markdown', '-o', 'r.md', '--format', 'console', '-o', 'r.txt', '--save-snapshot', 'again.json', '-q'], { cwd: dir });
    expect(r.stderr).toMatch(/Verdict: FAIL/);
    expect(r.code).toBe(1);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { summary: { resources: number; fail: number }; findings: unknown[] };
    expect(json.summary.resources).toBe(20_000);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results).toHaveLength(json.summary.fail);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^# leakproof audit\n\n\*\*Verdict: FAIL/);
    expect(readFileSync(join(dir, 'r.txt'), 'utf8').split('\n').length).toBeGreaterThan(json.summary.fail);
    expect((JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')) as { resources: unknown[] }).resources).toHaveLength(20_000);
  }, 120_000);
});
