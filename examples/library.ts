// Using leakproof as a library. `npm test` type-checks this file against the packages' published types
// (examples/tsconfig.json), so every type named here is part of the public API, and none needs a cast.
//
//   npx tsx examples/library.ts snapshot estate.json
//   npx tsx examples/library.ts plan plan.json infra/
//   npx tsx examples/library.ts aws
import { writeFileSync } from 'node:fs';
import { collectAws, type AwsCollection } from '@leakproof/aws';
import {
  audit,
  blockingFindings,
  factsNeededBy,
  loadPolicies,
  readSnapshot,
  selectRules,
  toMarkdown,
  toSarif,
  type AuditResult,
  type PolicySet,
  type Resource,
  type SarifLog,
} from '@leakproof/core';
import { readTerraformPlan, type TerraformAudit } from '@leakproof/terraform';
import { runAudit } from 'leakproof';

const FRAMEWORKS = ['hipaa', 'gdpr'];
const policies: PolicySet = loadPolicies({ paths: ['examples/policies'] });

/** A snapshot written earlier by `leakproof audit --save-snapshot`, judged offline. */
function auditSnapshot(file: string): AuditResult {
  const { resources, notices, scopes } = readSnapshot(file);
  return audit({ resources, notices, scopes: scopes ?? [], policies, frameworks: FRAMEWORKS });
}

/** A live AWS account (the default credential chain), making only the calls the selected rules need. */
async function auditAws(): Promise<AuditResult> {
  const needed = factsNeededBy(selectRules(policies, FRAMEWORKS));
  const collected: AwsCollection = await collectAws({ needed, regions: ['eu-west-1'] });
  return audit({ resources: collected.resources, notices: collected.notices, scopes: collected.scopes, policies, frameworks: FRAMEWORKS });
}

/** A Terraform plan (`terraform show -json plan.out`), its findings located at the `.tf` blocks. */
function auditPlan(file: string, sourceRoot: string): AuditResult {
  const planned: TerraformAudit = readTerraformPlan(file, { sourceRoot });
  const located: Resource[] = planned.resources.filter((r) => r.source !== undefined);
  console.log(`${located.length} of ${planned.resources.length} planned resources have a .tf location`);
  return audit({ resources: planned.resources, notices: planned.notices, policies, frameworks: FRAMEWORKS });
}

const [mode = 'snapshot', file = 'estate.json', sourceRoot = '.'] = process.argv.slice(2);
const result = mode === 'aws' ? await auditAws() : mode === 'plan' ? auditPlan(file, sourceRoot) : auditSnapshot(file);

for (const finding of result.findings) {
  if (finding.status === 'fail') console.log(`${finding.rule.severity} ${finding.rule.id} ${finding.resource.id}\n  ${finding.evidence.join('\n  ')}`);
  if (finding.status === 'not-evaluated') console.log(`not evaluated: ${finding.rule.id} ${finding.resource.id}: ${finding.reasons.join('; ')}`);
}

// The SARIF log is typed with @types/sarif: its one run and each result's location read without casts.
const log: SarifLog = toSarif(result, { toolVersion: '0.1.0' });
for (const r of log.runs[0].results) {
  const where = r.locations[0]?.physicalLocation;
  console.log(`${r.ruleId} at ${where?.artifactLocation?.uri ?? '?'}:${where?.region?.startLine ?? 1} (${r.partialFingerprints.primaryLocationLineHash ?? ''})`);
}
writeFileSync('leakproof.sarif', JSON.stringify(log));
writeFileSync('leakproof.md', toMarkdown(result));

// The CLI's whole pipeline (policies, collection, waivers, baseline, verdict) is `runAudit` of the
// `leakproof` package; its report carries the verdict the exit code is made from.
const report = await runAudit({ input: { kind: 'demo' }, cwd: process.cwd(), env: process.env, verdict: { failOn: 'high' } });
console.log(`demo: ${report.verdict.verdict}; ${report.baseline ? `${report.baseline.absent.length} fixed since the baseline` : 'no baseline'}`);

process.exitCode = blockingFindings(result, 'high').length > 0 ? 1 : 0;
