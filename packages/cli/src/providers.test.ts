import { describe, expect, it } from 'vitest';
import { PhaseProgress, type CollectionProgress } from '@leakproof/core';
import { progressWithEta } from './providers.js';

describe('collection progress', () => {
  it('gives counts and a percentage, then the time left at the pace so far', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progressWithEta('AWS', (l) => lines.push(l), () => clock);
    report({ phase: 'S3 buckets', done: 0, total: 2000 });
    clock = 500;
    report({ phase: 'S3 buckets', done: 10, total: 2000 });
    clock = 6_000;
    report({ phase: 'S3 buckets', done: 200, total: 2000 });
    clock = 60_000;
    report({ phase: 'S3 buckets', done: 2000, total: 2000 });
    expect(lines).toEqual(['AWS S3 buckets 0/2000 (0%)', 'AWS S3 buckets 10/2000 (0%)', 'AWS S3 buckets 200/2000 (10%) · about 54 s left', 'AWS S3 buckets 2000/2000 (100%)']);
  });

  it('times each phase from its own start', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progressWithEta('GCP', (l) => lines.push(l), () => clock);
    report({ phase: 'projects', done: 0, total: 1 });
    clock = 100_000;
    report({ phase: 'buckets', done: 0, total: 300 });
    clock = 110_000;
    report({ phase: 'buckets', done: 100, total: 300 });
    expect(lines.at(-1)).toBe('GCP buckets 100/300 (33%) · about 20 s left');
  });

  it('shows every phase under way with the calls made, drops finished ones, and gives the slowest phase’s time left', () => {
    const lines: string[] = [];
    let clock = 0;
    let calls = 0;
    const report = progressWithEta('AWS', (l) => lines.push(l), () => clock, 0);
    const progress = new PhaseProgress((p: CollectionProgress) => report(p), () => calls);
    progress.expect('regions', 17);
    progress.expect('S3 buckets', 2000);
    clock = 10_000;
    calls = 4000;
    progress.done('regions', 10);
    progress.done('S3 buckets', 400);
    // Regions: 7 left at 1 s each; buckets: 1600 left at 25 ms each = 40 s, the slower.
    expect(lines.at(-1)).toBe('AWS regions 10/17 · S3 buckets 400/2000 (20%) · 4000 calls · about 40 s left');
    progress.done('regions', 7);
    expect(lines.at(-1)).toBe('AWS S3 buckets 400/2000 (20%) · 4000 calls · about 40 s left');
    progress.done('S3 buckets', 1600);
    expect(lines.at(-1)).toBe('AWS S3 buckets 2000/2000 (100%) · 4000 calls');
  });

  it('counts a phase over every scope: a second account adds to the same totals', () => {
    const seen: CollectionProgress[] = [];
    const progress = new PhaseProgress((p) => seen.push(p));
    progress.expect('regions', 17);
    progress.expect('regions', 4);
    progress.done('regions');
    expect(seen.at(-1)?.phases).toEqual([{ phase: 'regions', done: 1, total: 21 }]);
  });

  it('redraws at most every 100 ms, but always when a phase begins or ends', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progressWithEta('Azure', (l) => lines.push(l), () => clock);
    report({ phase: 'storage accounts', done: 0, total: 3 });
    clock = 10;
    report({ phase: 'storage accounts', done: 1, total: 3 });
    clock = 150;
    report({ phase: 'storage accounts', done: 2, total: 3 });
    clock = 160;
    report({ phase: 'storage accounts', done: 3, total: 3 });
    expect(lines).toEqual(['Azure storage accounts 0/3', 'Azure storage accounts 2/3', 'Azure storage accounts 3/3']);
  });
});
