import { describe, expect, it } from 'vitest';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource } from '../test-helpers/fixtures.js';
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
    expect(toConsoleTable(result, { color: true })).toContain('\u001b[35mcritical');
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
