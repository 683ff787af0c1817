import { describe, expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { anchorOf } from './finding-identity.js';
import { loadPolicies } from './policy/load.js';
import { resource } from './test-helpers/fixtures.js';

const FULL = `# leakproof
version: 1
providers:
  aws:
    role-name: LeakproofAudit
    regions: [eu-west-1]
    accounts:
      - "111122223333"
      - id: "222233334444"
        role-arn: arn:aws:iam::222233334444:role/Other
  gcp:
    organization: "123456789"
    folders: ["folders/55", "66"]
  azure:
    subscriptions:
      - 0B1F6471-1BF0-4DDA-AEC3-111122223333
frameworks: [hipaa]
fail-on: critical
reports:
  - format: sarif
    output: leakproof.sarif
`;

function problems(text: string): string[] {
  const r = validateConfig(text, '.leakproof/config.yaml');
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.message}`);
}

describe('the config file', () => {
  it('reads providers, scopes and settings, with the roles to assume', () => {
    const r = validateConfig(FULL, '.leakproof/config.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.providers.aws).toEqual({
      regions: ['eu-west-1'],
      accounts: [
        { id: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/LeakproofAudit' },
        { id: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/Other' },
      ],
    });
    expect(r.value.providers.gcp).toEqual({ organization: '123456789', folders: ['55', '66'] });
    expect(r.value.failOn).toBe('critical');
    expect(r.value.reports).toEqual([{ format: 'sarif', output: 'leakproof.sarif' }]);
  });

  it('locates each live finding at the line that declares its account, project or subscription', () => {
    const r = validateConfig(FULL, '.leakproof/config.yaml');
    if (!r.ok) throw new Error('invalid');
    const rule = loadPolicies().rules[0]!;
    const at = (provider: 'aws' | 'gcp' | 'azure', account: string) => anchorOf({ rule, resource: resource('storage-bucket', {}, { provider, account }) }, r.value.anchors);
    expect(at('aws', '111122223333')).toEqual({ uri: '.leakproof/config.yaml', line: 8 });
    expect(at('aws', '222233334444')).toEqual({ uri: '.leakproof/config.yaml', line: 9 });
    // An account not listed falls back to its provider's section; a discovered project to the organization line.
    expect(at('aws', '999999999999')).toEqual({ uri: '.leakproof/config.yaml', line: 4 });
    expect(at('gcp', 'found-under-org')).toEqual({ uri: '.leakproof/config.yaml', line: 12 });
    expect(at('azure', '0b1f6471-1bf0-4dda-aec3-111122223333')).toEqual({ uri: '.leakproof/config.yaml', line: 16 });
    const listed = validateConfig('providers:\n  gcp:\n    projects:\n      - clinic-dev\n      - clinic-prod\n', 'c.yaml');
    if (!listed.ok) throw new Error('invalid');
    expect(anchorOf({ rule, resource: resource('storage-bucket', {}, { provider: 'gcp', account: 'clinic-prod' }) }, listed.value.anchors)).toEqual({ uri: 'c.yaml', line: 5 });
  });

  it.each([
    ['an unknown field, with a suggestion', 'fail_on: high\n', '1:1 unknown field "fail_on" (did you mean "fail-on"?)'],
    ['an unquoted account id', 'providers:\n  aws:\n    accounts:\n      - 011122223333\n', '4:9 write the account id in quotes ("011122223333"): unquoted, YAML reads it as a number'],
    ['a bad threshold', 'fail-on: severe\n', '1:10 fail-on: "severe" is not one of critical, high, medium, low, info, none'],
    ['a role in another account', 'providers:\n  aws:\n    accounts:\n      - id: "111122223333"\n        role-arn: arn:aws:iam::999999999999:role/X\n', '5:19 the role is in account 999999999999, not 111122223333'],
    ['two accounts without a role', 'providers:\n  aws:\n    accounts: ["111122223333", "222233334444"]\n', '3:15 only one account can be audited with the credentials themselves; give the others a role-arn, or set role-name'],
    ['projects beside a discovery root', 'providers:\n  gcp:\n    folders: ["1"]\n    projects: [a]\n', '4:5 projects names the projects to audit; organization and folders discover them'],
    ['a folder that is not a number', 'providers:\n  gcp:\n    folders: [finance]\n', '3:15 '],
    ['a YAML syntax error', 'providers: [\n', '2:1 '],
  ])('reports %s at its line and column', (_name, text, expected) => {
    expect(problems(text)[0]).toContain(expected);
  });
});
