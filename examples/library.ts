// Using leakproof as a library: audit a snapshot (or resources you collect yourself), then write SARIF
// and a Markdown summary. Run with: npx tsx examples/library.ts estate.json
import { writeFileSync } from 'node:fs';
import { audit, blockingFindings, loadPolicies, readSnapshot, toMarkdown, toSarif } from '@leakproof/core';

const file = process.argv[2] ?? 'estate.json';
const { resources, notices } = readSnapshot(file);
const policies = loadPolicies({ paths: ['examples/policies'] });
const result = audit({ resources, notices, policies, frameworks: ['hipaa', 'gdpr'] });

for (const finding of result.findings) {
  if (finding.status === 'fail') console.log(`${finding.rule.severity} ${finding.rule.id} ${finding.resource.id}\n  ${finding.evidence.join('\n  ')}`);
  if (finding.status === 'not-evaluated') console.log(`not evaluated: ${finding.rule.id} ${finding.resource.id}: ${finding.reasons.join('; ')}`);
}
writeFileSync('leakproof.sarif', JSON.stringify(toSarif(result, { toolVersion: '0.1.0' })));
writeFileSync('leakproof.md', toMarkdown(result));
process.exitCode = blockingFindings(result, 'high').length > 0 ? 1 : 0;
