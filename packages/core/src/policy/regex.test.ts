import { describe, expect, it } from 'vitest';
import { audit } from '../engine.js';
import { known, resource, tempTree } from '../test-helpers/fixtures.js';
import { loadPolicies } from './load.js';

const pack = (pattern: string) => `rules:
  - id: t-name
    title: Named
    description: Bucket names.
    severity: low
    resource: storage-bucket
    assert: { path: resource.name, matches: ${JSON.stringify(pattern)} }
    message: "{{resource.name}} is misnamed"
    remediation: Rename.
    controls: {}
`;

describe('policy regular expressions (RE2 syntax, linear time)', () => {
  it('evaluates a pattern that backtracking engines take minutes on, at once', () => {
    // "(a+)+$" against 30 a's and a "b" is the classic catastrophic-backtracking input for RegExp.
    const cwd = tempTree({ 'p.yaml': pack('^(a+)+$') });
    const policies = loadPolicies({ builtIn: false, paths: ['p.yaml'], cwd });
    const r = audit({ resources: [resource('storage-bucket', { publicRead: known(false) }, { name: `${'a'.repeat(30)}b` })], policies });
    expect(r.findings[0]?.status).toBe('fail');
  });

  it.each([
    ['matches anywhere, like RegExp.test', 'phi', 'clinic-phi-photos', 'pass'],
    ['anchors', '^clinic-', 'clinic-phi-photos', 'pass'],
    ['anchored mismatch', '^phi', 'clinic-phi-photos', 'fail'],
    ['character classes and counts', '^[a-z]+-[a-z]{3}-', 'clinic-phi-photos', 'pass'],
  ] as const)('%s: %s against %s %s', (_, pattern, name, status) => {
    const cwd = tempTree({ 'p.yaml': pack(pattern) });
    const r = audit({ resources: [resource('storage-bucket', {}, { name })], policies: loadPolicies({ builtIn: false, paths: ['p.yaml'], cwd }) });
    expect(r.findings[0]?.status).toBe(status);
  });

  it.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'clinic(?=-phi)'],
  ])('rejects %s at load, with file:line:col', (_, pattern) => {
    const cwd = tempTree({ 'p.yaml': pack(pattern) });
    expect(() => loadPolicies({ builtIn: false, paths: ['p.yaml'], cwd })).toThrow(/^p\.yaml:7:\d+: invalid regular expression \(RE2 syntax/);
  });
});
