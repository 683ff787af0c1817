import { describe, expect, it } from 'vitest';
import { jsonChunks } from './stream-json.js';

describe('writing JSON in pieces', () => {
  const sample = { a: [1, 'two', { three: null, skipped: undefined }, [], {}], b: { nested: [true, false] }, 'quo"te': 'line\nbreak', n: -1.5e-7 };

  it.each([0, 2])('is exactly JSON.stringify with indent %i', (indent) => {
    expect([...jsonChunks(sample, indent, 8)].join('')).toBe(JSON.stringify(sample, null, indent || undefined));
  });

  it('yields pieces no larger than needed, so a huge report is never one string', () => {
    const big = { results: Array.from({ length: 20_000 }, (_, i) => ({ id: `r${i}`, message: 'x'.repeat(50) })) };
    const pieces = [...jsonChunks(big, 0, 64 * 1024)];
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024 + 200);
    expect(JSON.parse(pieces.join(''))).toEqual(big);
  });
});
