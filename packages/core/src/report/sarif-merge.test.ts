import { describe, expect, it } from 'vitest';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource } from '../test-helpers/fixtures.js';
import { GITHUB_LIMITS, duplicatesRemoved, mergeSarif } from './sarif-merge.js';
import { toSarif } from './sarif.js';

const policies = loadPolicies();
const shard = (account: string, count: number) =>
  toSarif(
    audit({
      resources: Array.from({ length: count }, (_, i) => resource('storage-bucket', { publicRead: known(true, 'ACL') }, { id: `arn:aws:s3:::${account}-${i}`, account })),
      policies: { ...policies, rules: policies.rules.filter((r) => r.id === 'storage-public-read') },
    }),
    { toolVersion: '1' },
  );

describe('merging sharded SARIF', () => {
  it('combines runs of one tool and category into one run with every result', () => {
    const merged = mergeSarif([
      { file: 'a.sarif', log: shard('111', 3) },
      { file: 'b.sarif', log: shard('222', 2) },
    ]);
    expect(merged.runs).toHaveLength(1);
    expect(merged.runs[0]!.results).toHaveLength(5);
    expect((merged.runs[0]!.properties as { summary: { fail: number } }).summary.fail).toBe(5);
  });

  it('splits a run over the per-run limit into parts with their own category', () => {
    const merged = mergeSarif([
      { file: 'a.sarif', log: shard('111', 15_000) },
      { file: 'b.sarif', log: shard('222', 15_000) },
    ]);
    expect(merged.runs.map((r) => (r.results ?? []).length)).toEqual([GITHUB_LIMITS.resultsPerRun, 5_000]);
    expect(merged.runs.map((r) => r.automationDetails?.id)).toEqual(['leakproof/part-1/', 'leakproof/part-2/']);
  });

  it('keeps one of each exact duplicate (same rule and fingerprint) and counts the rest', () => {
    const merged = mergeSarif([
      { file: 'a.sarif', log: shard('111', 3) },
      { file: 'again.sarif', log: shard('111', 3) },
      { file: 'b.sarif', log: shard('222', 2) },
    ]);
    expect(merged.runs[0]!.results).toHaveLength(5);
    expect(duplicatesRemoved(merged)).toBe(3);
    expect(duplicatesRemoved(mergeSarif([{ file: 'a.sarif', log: shard('111', 3) }]))).toBe(0);
  });

  it('refuses something that is not SARIF', () => {
    expect(() => mergeSarif([{ file: 'x.sarif', log: { runs: [] } }])).toThrow('x.sarif: not a SARIF 2.1.0 log (needs "version": "2.1.0" and "runs")');
  });
});
