import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditVerdict } from '../audit-verdict.js';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { parseSnapshot } from '../snapshot.js';
import { consoleChunks, toConsoleTable } from './console.js';
import { joinLines } from './lines.js';
import { markdownChunks, toMarkdown } from './markdown.js';
import { toSarif, toSarifStream } from './sarif.js';
import { jsonChunks } from './stream-json.js';

const demoFile = new URL('../../../cli/demo/medical-imaging-estate.json', import.meta.url);
const snapshot = parseSnapshot(readFileSync(demoFile, 'utf8'), 'medical-imaging-estate.json');
const audited = audit({ resources: snapshot.resources, policies: loadPolicies(), notices: snapshot.notices ?? [] });
const result = { ...audited, verdict: auditVerdict(audited, { failOn: 'high' }) };

describe('reports written in pieces', () => {
  it('the streamed SARIF log is the same document as the one built whole', () => {
    const whole = toSarif(result, { toolVersion: '1.0.0' });
    expect(whole.runs[0].results.length).toBeGreaterThan(5);
    expect(JSON.parse([...jsonChunks(toSarifStream(result, { toolVersion: '1.0.0' }), 2, 512)].join(''))).toEqual(whole);
  });

  it('the streamed SARIF results can be read twice and give the same results', () => {
    const { results } = toSarifStream(result, { toolVersion: '1.0.0' }).runs[0];
    expect([...results]).toEqual([...results]);
  });

  it('the streamed Markdown report is the same text as the one built whole', () => {
    expect([...markdownChunks(result)].join('')).toBe(toMarkdown(result));
  });

  it('the streamed console report is the same text as the one built whole, with and without colour', () => {
    for (const color of [false, true]) expect([...consoleChunks(result, { color, width: 100 })].join('')).toBe(toConsoleTable(result, { color, width: 100 }));
  });

  it('lines are joined exactly as join would, in chunks no larger than asked plus one line', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const chunks = [...joinLines(lines, 100)];
    expect(chunks.join('')).toBe(lines.join('\n'));
    expect(chunks.length).toBeGreaterThan(50);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(100 + 10);
    expect([...joinLines([])].join('')).toBe('');
  });
});
