import { describe, expect, it } from 'vitest';
import { formatIssue } from '../errors.js';
import { loadPolicies, validatePolicies } from './load.js';
import { tempTree } from '../test-helpers/fixtures.js';

const minimalRule = (id: string, extra = '') => `  - id: ${id}
    title: Test rule
    description: A rule for tests.
    severity: high
    resource: storage-bucket
    assert: { path: publicRead, equals: false }
    message: "{{resource.name}} is public"
    remediation: Fix it.
    controls:
      hipaa: ["164.312(a)(1)"]
${extra}`;

/** Validates one user pack (on top of the built-ins) and returns its problems as printed lines. */
function problems(yaml: string, file = 'pack.yaml'): string[] {
  const cwd = tempTree({ [file]: yaml });
  const result = validatePolicies({ paths: [file], cwd });
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('loading the built-in packs', () => {
  it('compiles every built-in rule without problems', () => {
    const set = loadPolicies();
    expect(set.rules.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(set.frameworks).sort()).toEqual(['gdpr', 'hipaa']);
  });

  it('records the file and line of each rule for SARIF anchoring', () => {
    const rule = loadPolicies().rules.find((r) => r.id === 'storage-public-read')!;
    expect(rule.origin).toEqual({ file: 'policies/storage.yaml', line: 4, builtIn: true });
  });
});

describe('policy errors name the file, line, column and field', () => {
  it('suggests the right operator for a misspelt one', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('assert: { path: publicRead, equals: false }', 'assert:\n      path: publicRead\n      equal: false')}`;
    expect(problems(yaml)).toEqual(['pack.yaml:9:7: unknown operator "equal" (did you mean "equals"?)']);
  });

  it('reports an unknown field with a suggestion', () => {
    const yaml = `rules:\n${minimalRule('x-rule', '    severty: low\n')}`;
    expect(problems(yaml)).toEqual(['pack.yaml:12:5: unknown field "severty" in rules[0] (did you mean "severity"?)']);
  });

  it('reports a wrong type at the value', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('title: Test rule', 'title: [not, a, string]')}`;
    expect(problems(yaml)).toEqual(['pack.yaml:3:12: rules[0].title must be a string, got a list']);
  });

  it('reports an unknown resource kind with a suggestion', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('resource: storage-bucket', 'resource: storage-buckets')}`;
    expect(problems(yaml)[0]).toMatch(/^pack\.yaml:6:15: rules\[0\]\.resource: "storage-buckets" is not one of .* \(did you mean "storage-bucket"\?\)$/);
  });

  it('reports an unknown fact path for the rule kind', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('path: publicRead', 'path: publicReed')}`;
    expect(problems(yaml)).toEqual(['pack.yaml:7:21: unknown fact "publicReed" for storage-bucket (did you mean "publicRead"?)']);
  });

  it('rejects an operator that does not fit the fact type', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('equals: false', 'gt: 3')}`;
    expect(problems(yaml)).toEqual(['pack.yaml:7:37: publicRead: gt needs a number fact; this one is boolean']);
  });

  it('rejects an enum value the fact never takes', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('path: publicRead, equals: false', 'path: encryptionAtRest, equals: customer-manged')}`;
    expect(problems(yaml)[0]).toContain('"customer-manged" is not one of none, provider-managed, customer-managed (did you mean "customer-managed"?)');
  });

  it('rejects a duplicate rule id, naming the first definition', () => {
    const yaml = `rules:\n${minimalRule('storage-public-read')}`;
    expect(problems(yaml)).toEqual([
      'pack.yaml:2:9: duplicate rule id "storage-public-read" (first defined in policies/storage.yaml:4); use "overrides" to change a rule',
    ]);
  });

  it('rejects an unknown control id of a known framework', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('"164.312(a)(1)"', '"164.312(z)"')}`;
    expect(problems(yaml)[0]).toMatch(/^pack\.yaml:11:15: unknown hipaa control "164\.312\(z\)"/);
  });

  it('rejects a framework nobody declared', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('hipaa:', 'hippa:')}`;
    expect(problems(yaml)[0]).toBe('pack.yaml:11:7: unknown framework "hippa" (did you mean "hipaa"?); declare it under "frameworks" in a pack');
  });

  it('rejects overriding or disabling a rule that does not exist', () => {
    expect(problems('overrides:\n  - id: storage-public-raed\n    severity: low\n')).toEqual([
      'pack.yaml:2:9: override of unknown rule "storage-public-raed" (did you mean "storage-public-read"?)',
    ]);
    expect(problems('disable:\n  - storage-versionin\n')).toEqual(['pack.yaml:2:5: cannot disable unknown rule "storage-versionin" (did you mean "storage-versioning"?)']);
  });

  it('reports malformed YAML with its position', () => {
    expect(problems('rules:\n  - id: [unclosed\n')[0]).toMatch(/^pack\.yaml:\d+:\d+: /);
  });

  it('reports an empty file', () => {
    expect(problems('')).toEqual(['pack.yaml:1:1: the file is empty']);
  });

  it('reports a missing file', () => {
    const result = validatePolicies({ paths: ['nope.yaml'], cwd: tempTree({}) });
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual(['nope.yaml: no such file or directory']);
  });

  it('rejects a condition with two operators', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('assert: { path: publicRead, equals: false }', 'assert: { path: publicRead, equals: false, exists: true }')}`;
    expect(problems(yaml)[0]).toBe('pack.yaml:7:13: condition on "publicRead" has 2 operators (equals, exists); use "all" to combine them');
  });

  it('rejects an unknown message placeholder', () => {
    const yaml = `rules:\n${minimalRule('x-rule').replace('{{resource.name}}', '{{resource.nmae}}')}`;
    expect(problems(yaml)[0]).toMatch(/^pack\.yaml:8:14: message placeholder: unknown resource attribute "resource\.nmae" \(did you mean "name"\?\)$/);
  });
});

describe("a user's pack changes the built-ins", () => {
  it('adds rules, overrides a built-in field and disables a rule by id', () => {
    const cwd = tempTree({
      'mine/extra.yaml': `rules:\n${minimalRule('acme-photos-public')}`,
      'mine/tune.yaml': 'overrides:\n  - id: storage-versioning\n    severity: high\ndisable:\n  - storage-access-logging\n',
    });
    const set = loadPolicies({ paths: ['mine'], cwd });
    const ids = set.rules.map((r) => r.id);
    expect(ids).toContain('acme-photos-public');
    expect(ids).not.toContain('storage-access-logging');
    expect(set.rules.find((r) => r.id === 'storage-versioning')!.severity).toBe('high');
    expect(set.rules.find((r) => r.id === 'acme-photos-public')!.origin).toEqual({ file: 'mine/extra.yaml', line: 2, builtIn: false });
  });

  it('accepts a custom framework declared in the pack', () => {
    const yaml = `frameworks:\n  - id: acme\n    title: ACME controls\n    controls:\n      AC-1: Access\nrules:\n${minimalRule('acme-rule').replace('hipaa: ["164.312(a)(1)"]', 'acme: ["AC-1"]')}`;
    expect(problems(yaml)).toEqual([]);
  });

  it('throws a ConfigurationError whose message is one line', () => {
    const cwd = tempTree({ 'bad.yaml': 'rules: 3\n' });
    expect(() => loadPolicies({ paths: ['bad.yaml'], cwd })).toThrow(/^bad\.yaml:1:8: rules must be an array, got number 3$/);
  });
});
