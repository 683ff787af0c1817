import { describe, expect, it } from 'vitest';
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
    expect(lines).toEqual(['AWS S3 buckets: 0/2000 (0%)', 'AWS S3 buckets: 10/2000 (0%)', 'AWS S3 buckets: 200/2000 (10%, about 54 s left)', 'AWS S3 buckets: 2000/2000 (100%)']);
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
    expect(lines.at(-1)).toBe('GCP buckets: 100/300 (33%, about 20 s left)');
  });
});
