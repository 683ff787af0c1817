import { describe, expect, it } from 'vitest';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource, unknown } from '../test-helpers/fixtures.js';
import { CSV_COLUMNS, csvChunks } from './csv.js';

const policies = loadPolicies();

/** A minimal RFC 4180 reader, to check the writer against the format rather than against itself. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('the CSV report', () => {
  const result = audit({
    policies,
    resources: [
      resource('storage-bucket', { publicRead: known(true, 'policy statement "Public, all": Allow read to "*"', 'bucket RestrictPublicBuckets=false') }, { id: 'arn:aws:s3:::photos', name: 'photos', tags: { 'data-classification': 'phi' } }),
      resource('storage-bucket', { publicRead: unknown('s3:GetBucketPolicy was denied') }, { id: 'arn:aws:s3:::=HYPERLINK("x")', name: '=HYPERLINK("x")' }),
    ],
  });
  const rows = parseCsv([...csvChunks(result)].join(''));

  it('has a header row, then one row per finding, each with every column', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + result.findings.length);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
  });

  it('quotes commas and quotes, and gives the raised severity and the classification', () => {
    const row = rows.find((r) => r[0] === 'storage-public-read' && r[3] === 'arn:aws:s3:::photos')!;
    expect(row.slice(0, 4)).toEqual(['storage-public-read', 'critical', 'phi', 'arn:aws:s3:::photos']);
    expect(row[8]).toBe('fail');
    expect(row[9]).toBe('policy statement "Public, all": Allow read to "*"; bucket RestrictPublicBuckets=false');
    expect(row[10]).toContain('hipaa 164.312(a)(1)');
  });

  it('lists rules not evaluated with their reason, and keeps a cell that looks like a formula as text', () => {
    const row = rows.find((r) => r[0] === 'storage-public-read' && r[8] === 'not-evaluated')!;
    expect(row[3]).toBe('arn:aws:s3:::=HYPERLINK("x")');
    expect(row[4]).toBe('\'=HYPERLINK("x")');
    expect(row[9]).toBe('publicRead: s3:GetBucketPolicy was denied');
  });
});
