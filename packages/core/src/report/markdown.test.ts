import { describe, expect, it } from 'vitest';
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
});
