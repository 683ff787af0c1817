import { describe, expect, it } from 'vitest';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource, unknown } from '../test-helpers/fixtures.js';
import { shouldUseColor, toConsoleTable, verdictLines } from './console.js';

describe('console colour', () => {
  it('is on for a TTY', () => expect(shouldUseColor({ isTTY: true }, {})).toBe(true));
  it('is off when the output is not a TTY', () => expect(shouldUseColor({ isTTY: false }, {})).toBe(false));
  it('is off on a TTY when NO_COLOR is set', () => expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false));
  it('ignores an empty NO_COLOR, as no-color.org says', () => expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true));
  it('is on when FORCE_COLOR asks for it', () => expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true));
});

describe('console table', () => {
  const result = audit({ resources: [resource('storage-bucket', { publicRead: known(true, 'x') }, { name: 'photos' })], policies: loadPolicies() });

  it('lists failures without escape codes when colour is off', () => {
    const text = toConsoleTable(result, { color: false });
    expect(text).toContain('critical  storage-public-read');
    expect(text).not.toContain('\u001b[');
  });

  it('uses escape codes when colour is on', () => {
    // Critical reads as the most alarming: bold white on red.
    expect(toConsoleTable(result, { color: true })).toContain('\u001b[1;97;41mcritical');
  });
});

describe('console for a person at a terminal', () => {
  const policies = loadPolicies();
  const long = 'a-bucket-with-a-very-long-name-that-a-terminal-of-eighty-columns-cannot-hold-whole';
  const result = audit({
    policies,
    resources: [
      resource('storage-bucket', { publicRead: known(true, 'ACL grant to AllUsers: READ', 'bucket IgnorePublicAcls=false'), versioning: known(false, 'versioning is off') }, { name: long, id: `arn:aws:s3:::${long}`, tags: { 'data-classification': 'phi' } }),
      resource('storage-bucket', { publicRead: known(false, 'no public grant'), versioning: unknown('s3:GetBucketVersioning was denied (AccessDenied)') }, { name: 'scans', id: 'arn:aws:s3:::scans' }),
    ],
  });
  const visible = (line: string) => line.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

  it.each([80, 200])('fits %i columns: no line is longer, and a cut line ends in …', (width) => {
    for (const color of [false, true]) {
      const lines = toConsoleTable(result, { color, width }).split('\n');
      for (const line of lines) expect(visible(line).length).toBeLessThanOrEqual(width);
      if (width === 80) expect(lines.some((l) => visible(l).endsWith('…'))).toBe(true);
    }
    const wide = toConsoleTable(result, { color: false, width: 200 });
    expect(wide).toContain(`aws:${long.slice(0, 20)}`);
  });

  it('puts the finding under its rule and resource on 80 columns, so the finding keeps the width; at 200 it is one row', () => {
    const narrow = toConsoleTable(result, { color: false, width: 80 }).split('\n');
    const at = narrow.findIndex((l) => l.startsWith('critical  storage-public-read  aws:'));
    expect(narrow[at + 1]).toMatch(/^ {10}\[PHI\] \S/);
    expect(narrow[at + 1]?.length).toBeGreaterThan(60);
    const wide = toConsoleTable(result, { color: false, width: 200 }).split('\n');
    expect(wide.find((l) => l.startsWith('critical'))).toMatch(/^critical {2}storage-public-read +aws:\S+ +\[PHI\] /);
  });

  it('shows evidence under critical and high failures, and under every one with verbose', () => {
    const text = toConsoleTable(result, { color: false });
    expect(text).toMatch(/^critical {2}storage-public-read .*\n {10}↳ ACL grant to AllUsers: READ\n {10}↳ bucket IgnorePublicAcls=false$/m);
    // storage-versioning is low, raised to high on PHI: its evidence shows too.
    expect(text).toMatch(/^high {6}storage-versioning .*\n {10}↳ versioning is off$/m);
  });

  it('shows only the severities asked for, and keeps the counts whole', () => {
    const text = toConsoleTable(result, { color: false, severities: ['critical'] });
    expect(text).toMatch(/^critical {2}storage-public-read/m);
    expect(text).not.toMatch(/^high {6}storage-versioning/m);
    expect(text).toContain('critical 1  ·  high 1  ·  medium');
  });

  it('lists what was not evaluated with the reason, and the controls per framework', () => {
    const text = toConsoleTable(result, { color: false });
    expect(text).toContain('NOT EVALUATED (unknown is not a pass)');
    expect(text).toMatch(/^low {7}storage-versioning on aws:scans: versioning: s3:GetBucketVersioning was denied \(AccessDenied\)$/m);
    expect(text).toMatch(/^HIPAA Security Rule \(45 CFR 164\.308-164\.312\): \d+ controls, \d+ failed, \d+ not evaluated, \d+ passed$/m);
  });

  it('turns colour off with FORCE_COLOR=0, even on a TTY', () => {
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('verdict lines', () => {
  const base = { blocking: [], incomplete: ['gcp project p was not audited'], verdict: 'pass' as const, incompleteAccepted: true };

  it('say what was accepted when incompleteness is allowed under a threshold', () => {
    expect(verdictLines({ ...base, failOn: 'high' })[0]).toBe('Verdict: PASS, incomplete accepted by --allow-incomplete (nothing at or above high failed where it looked)');
  });

  it('read as a sentence with --fail-on none', () => {
    expect(verdictLines({ ...base, failOn: 'none' })[0]).toBe('Verdict: PASS, incomplete accepted by --allow-incomplete (--fail-on none: no failure fails the run)');
  });
});
