import { describe, expect, it } from 'vitest';
import { auditVerdict } from '../audit-verdict.js';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource, unknown } from '../test-helpers/fixtures.js';
import { toMarkdown } from './markdown.js';

describe('Markdown report', () => {
  const result = audit({
    resources: [
      resource('storage-bucket', { publicRead: known(true, 'ACL grant to AllUsers: READ') }, { name: 'photos', id: 'b1' }),
      resource('storage-bucket', { publicRead: known(false) }, { name: 'backups', id: 'b2' }),
      resource('storage-bucket', { publicRead: unknown('denied') }, { name: 'hidden', id: 'b3' }),
    ],
    policies: loadPolicies(),
    frameworks: ['hipaa'],
  });
  const md = toMarkdown(result);

  it('tallies each framework control as passed, failed and not evaluated with the failing resources', () => {
    // storage-public-read and storage-public-list map to 164.312(a)(1) among others; only publicRead is known.
    expect(md).toMatch(/\| 164\.312\(a\)\(1\) — Access control \| 1 \| 1 \| \d+ \| `photos` \|/);
  });

  it('lists each failure with its evidence', () => {
    expect(md).toContain('- **CRITICAL** `storage-public-read` on `b1`: photos lets anyone on the internet read its objects');
    expect(md).toContain('  - ACL grant to AllUsers: READ');
  });

  it('tells a fatal notice once, as a reason of the verdict, and other notices under Collection notices', () => {
    const noticed = audit({
      resources: [],
      policies: loadPolicies(),
      notices: [
        { level: 'error', fatal: true, message: 'credentials were rejected (InvalidClientTokenId)' },
        { level: 'warning', message: 'region ap-east-1 is not enabled; skipped' },
      ],
    });
    const report = toMarkdown({ ...noticed, verdict: auditVerdict(noticed, { failOn: 'high' }) });
    expect(report.split('credentials were rejected').length - 1).toBe(1);
    expect(report).toContain('- incomplete: credentials were rejected (InvalidClientTokenId)');
    expect(report.slice(report.indexOf('## Collection notices'))).toContain('- warning: region ap-east-1 is not enabled; skipped');
  });
});
