import { describe, expect, it } from 'vitest';
import { formatIssue } from './errors.js';
import { createSnapshot, parseSnapshot, serializeSnapshot, validateSnapshot } from './snapshot.js';
import { known, resource } from './test-helpers/fixtures.js';

const problems = (text: string) => {
  const r = validateSnapshot(text, 'snap.json');
  return r.ok ? [] : r.issues.map(formatIssue);
};
const good = () => JSON.parse(serializeSnapshot(createSnapshot([resource('storage-bucket', { publicRead: known(true, 'ACL grant to AllUsers: READ') })]))) as Record<string, unknown>;

describe('snapshots', () => {
  it('round-trips through serialize and parse', () => {
    const snap = createSnapshot([resource('storage-bucket', { publicRead: known(true, 'x') })]);
    expect(parseSnapshot(serializeSnapshot(snap), 'snap.json').resources).toEqual(snap.resources);
  });

  it('reports malformed JSON with line and column', () => {
    expect(problems('{\n  "schemaVersion": 1,\n  "resources": [,]\n}')).toEqual(['snap.json:3:17: invalid JSON: value expected']);
  });

  it('reports truncated JSON', () => {
    expect(problems('{"schemaVersion": 1, "resources": [')[0]).toMatch(/^snap\.json:1:\d+: invalid JSON/);
  });

  it('reports an empty file', () => {
    expect(problems('')).toEqual(['snap.json:1:1: the file is empty']);
  });

  it('reports an unknown field at its line', () => {
    const s = good();
    (s.resources as Array<Record<string, unknown>>)[0]!.colour = 'red';
    expect(problems(JSON.stringify(s, null, 2))).toEqual(['snap.json:22:7: unknown field "colour" in resources[0]']);
  });

  it('reports a wrong type at the value', () => {
    const s = good();
    (s.resources as Array<Record<string, unknown>>)[0]!.name = 42;
    expect(problems(JSON.stringify(s, null, 2))).toEqual(['snap.json:12:15: resources[0].name must be a string, got number 42']);
  });

  it('refuses a snapshot from a newer schema version', () => {
    const s = good();
    s.schemaVersion = 7;
    expect(problems(JSON.stringify(s, null, 2))).toEqual(['snap.json:2:20: snapshot schemaVersion 7 is newer than this leakproof supports (1); upgrade leakproof']);
  });

  it('refuses a fact the catalogue does not define for the kind', () => {
    const s = good();
    (s.resources as Array<{ facts: Record<string, unknown> }>)[0]!.facts.publicReed = { value: true, evidence: [] };
    expect(problems(JSON.stringify(s, null, 2))[0]).toMatch(/unknown fact "publicReed" for storage-bucket \(did you mean "publicRead"\?\)$/);
  });

  it('refuses a fact value of the wrong type', () => {
    const s = good();
    (s.resources as Array<{ facts: Record<string, unknown> }>)[0]!.facts.publicRead = { value: 'yes', evidence: [] };
    expect(problems(JSON.stringify(s, null, 2))[0]).toMatch(/fact "publicRead": expected a boolean, got "yes"$/);
  });

  it('keeps an unknown fact as unknown', () => {
    const s = good();
    (s.resources as Array<{ facts: Record<string, unknown> }>)[0]!.facts.publicRead = { unknown: 's3:GetBucketAcl denied' };
    expect(parseSnapshot(JSON.stringify(s), 'snap.json').resources[0]!.facts.publicRead).toEqual({ unknown: 's3:GetBucketAcl denied' });
  });
});
