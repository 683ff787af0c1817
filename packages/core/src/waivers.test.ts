import { describe, expect, it } from 'vitest';
import { audit } from './engine.js';
import { formatIssue } from './errors.js';
import { loadPolicies } from './policy/load.js';
import { known, resource } from './test-helpers/fixtures.js';
import { applyWaivers, validateWaivers } from './waivers.js';

const policies = loadPolicies();
const waiverFile = (body: string) => `waivers:\n${body}`;
const entry = (extra: string) => `  - rule: storage-public-read\n    owner: web-team@clinic.example\n    reason: Marketing images, no patient data.\n${extra}`;

function run(yaml: string, now: string) {
  const parsed = validateWaivers(yaml, '.leakproof/waivers.yaml', policies);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const result = audit({
    resources: [
      resource('storage-bucket', { publicRead: known(true, 'policy') }, { id: 'arn:aws:s3:::site-assets', name: 'site-assets', tags: { public: 'intended' } }),
      resource('storage-bucket', { publicRead: known(true, 'policy') }, { id: 'arn:aws:s3:::patient-photos', name: 'patient-photos' }),
    ],
    policies,
  });
  return applyWaivers(result, parsed.value, new Date(now));
}
const statusOf = (r: ReturnType<typeof run>, name: string) => {
  const f = r.findings.find((x) => x.rule.id === 'storage-public-read' && x.resource.name === name)!;
  return f.status === 'fail' ? (f.waiver ? 'waived' : f.expiredWaiver ? 'expired-waiver' : 'fail') : f.status;
};

describe('waivers', () => {
  it('suppress a failure by resource id until the end of the expiry day', () => {
    const yaml = waiverFile(entry('    resource: arn:aws:s3:::site-assets\n    expires: 2026-12-31\n'));
    const r = run(yaml, '2026-12-31T23:00:00Z');
    expect(statusOf(r, 'site-assets')).toBe('waived');
    expect(statusOf(r, 'patient-photos')).toBe('fail');
    expect(r.summary).toMatchObject({ waived: 1, fail: 1 });
  });

  it('match by tags and by id pattern', () => {
    expect(statusOf(run(waiverFile(entry('    tags: { public: intended }\n    expires: 2027-01-01\n')), '2026-11-25T00:00:00Z'), 'site-assets')).toBe('waived');
    expect(statusOf(run(waiverFile(entry('    resource: "arn:aws:s3:::site-*"\n    expires: 2027-01-01\n')), '2026-11-25T00:00:00Z'), 'site-assets')).toBe('waived');
  });

  it('stop suppressing once expired, and say so', () => {
    const r = run(waiverFile(entry('    resource: arn:aws:s3:::site-assets\n    expires: 2026-01-31\n')), '2026-11-25T00:00:00Z');
    expect(statusOf(r, 'site-assets')).toBe('expired-waiver');
    expect(r.notices[0]!.message).toMatch(/^waiver for storage-public-read on arn:aws:s3:::site-assets \(owner web-team@clinic.example\) expired on 2026-01-31 and no longer suppresses \(.leakproof\/waivers.yaml:2\)$/);
  });

  it.each([
    ['an unknown rule id', entry('    resource: x\n    expires: 2027-01-01\n').replace('storage-public-read', 'storage-public-raed'), '.leakproof/waivers.yaml:2:11: unknown rule "storage-public-raed" (did you mean "storage-public-read"?)'],
    ['a missing owner', entry('    resource: x\n    expires: 2027-01-01\n').replace('    owner: web-team@clinic.example\n', ''), '.leakproof/waivers.yaml:2:5: missing required field "owner" in waivers[0]'],
    ['a bad date', entry('    resource: x\n    expires: next year\n'), '.leakproof/waivers.yaml:6:14: waivers[0].expires: "next year" is not a valid date'],
    ['no resource or tags', entry('    expires: 2027-01-01\n'), '.leakproof/waivers.yaml:2:5: a waiver needs "resource" (an id or pattern) or "tags"'],
  ])('reject %s with file:line:col', (_what, body, message) => {
    const r = validateWaivers(waiverFile(body), '.leakproof/waivers.yaml', policies);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([message]);
  });
});
