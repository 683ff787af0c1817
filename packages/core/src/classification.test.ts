import { describe, expect, it } from 'vitest';
import { auditVerdict } from './audit-verdict.js';
import { DEFAULT_CLASSIFICATION_TAGS, classify, severityFor, type ClassificationTag } from './classification.js';
import { audit, blockingFindings, type FailFinding } from './engine.js';
import { loadPolicies } from './policy/load.js';
import { toConsoleTable } from './report/console.js';
import { csvChunks } from './report/csv.js';
import { toJsonReport } from './report/json.js';
import { toMarkdown } from './report/markdown.js';
import { toSarif } from './report/sarif.js';
import { known, resource, tempTree, unknown } from './test-helpers/fixtures.js';

const policies = loadPolicies();

describe('data classification from tags and labels', () => {
  it.each<[string, Record<string, string>, string, string[]]>([
    ['a data-classification tag', { 'data-classification': 'phi' }, 'phi', ['tag data-classification=phi']],
    ['any case of key and value', { DataClassification: 'PHI' }, 'phi', ['tag DataClassification=PHI']],
    ['a hipaa flag', { HIPAA: 'True' }, 'phi', ['tag HIPAA=True']],
    ['a pii flag', { pii: 'true' }, 'pii', ['tag pii=true']],
    ['a GCP label spelling', { data_classification: 'confidential' }, 'confidential', ['tag data_classification=confidential']],
    ['the most sensitive of several tags', { classification: 'public', hipaa: 'true' }, 'phi', ['tag hipaa=true']],
    ['a value that names no classification', { 'data-classification': 'internal' }, 'unclassified', ['no tag or label classifies its data']],
    ['a flag that is off', { hipaa: 'false' }, 'unclassified', ['no tag or label classifies its data']],
    ['no tags', {}, 'unclassified', ['no tag or label classifies its data']],
  ])('%s', (_, tags, value, evidence) => {
    expect(classify({ tags }, DEFAULT_CLASSIFICATION_TAGS)).toEqual({ value, evidence });
  });

  it('takes mappings of its own, with a value or with the tag naming the classification', () => {
    const mappings: ClassificationTag[] = [...DEFAULT_CLASSIFICATION_TAGS, { key: 'sensitivity', value: 'restricted', classification: 'phi' }, { key: 'data' }];
    expect(classify({ tags: { Sensitivity: 'RESTRICTED' } }, mappings).value).toBe('phi');
    expect(classify({ tags: { data: 'pii' } }, mappings).value).toBe('pii');
    expect(classify({ tags: { data: 'phi' } }, mappings).value).toBe('phi');
    expect(classify({ tags: { data: 'marketing' } }, mappings).value).toBe('unclassified');
  });

  it('makes the classification a fact of every resource, so rules can test it', () => {
    const result = audit({ resources: [resource('database-instance', {}, { tags: { 'data-classification': 'pii' } })], policies });
    expect(result.resources[0]!.facts.dataClassification).toEqual({ value: 'pii', evidence: ['tag data-classification=pii'] });
  });

  it('never lowers a severity', () => {
    expect(severityFor('critical', { public: 'info' }, 'public')).toBe('critical');
    expect(severityFor('low', { phi: 'high' }, 'phi')).toBe('high');
    expect(severityFor('low', { phi: 'high' }, 'pii')).toBe('low');
    expect(severityFor('low', { phi: 'high' }, undefined)).toBe('low');
  });
});

describe('severity that follows the data', () => {
  const bucket = (name: string, tags: Record<string, string>, facts = {}) =>
    resource('storage-bucket', { publicRead: known(false), publicList: known(true, 'ACL grant to AllUsers: READ'), versioning: known(false, 'versioning is off'), ...facts }, { name, id: `arn:aws:s3:::${name}`, tags });
  const estate = [bucket('marketing', {}), bucket('patient-photos', { 'data-classification': 'PHI' })];
  const result = audit({ resources: estate, policies });
  const failure = (rule: string, name: string) => result.findings.filter((f): f is FailFinding => f.status === 'fail' && f.rule.id === rule && f.resource.name === name);

  it('raises a built-in rule on PHI and leaves it where it was elsewhere, with one finding each', () => {
    expect(failure('storage-public-list', 'patient-photos').map((f) => [f.severity, f.classification])).toEqual([['critical', 'phi']]);
    expect(failure('storage-public-list', 'marketing').map((f) => [f.severity, f.classification])).toEqual([['high', undefined]]);
    expect(failure('storage-versioning', 'patient-photos').map((f) => f.severity)).toEqual(['high']);
    expect(failure('storage-versioning', 'marketing').map((f) => f.severity)).toEqual(['low']);
  });

  it('counts, blocks and judges by the raised severity', () => {
    expect(result.summary.failBySeverity.critical).toBe(1);
    expect(blockingFindings(result, 'high').map((f) => `${f.rule.id} ${f.resource.name}`)).toContain('storage-versioning patient-photos');
    expect(blockingFindings(result, 'high').map((f) => `${f.rule.id} ${f.resource.name}`)).not.toContain('storage-versioning marketing');
  });

  it('makes a rule that could not be evaluated on PHI block a pass at the raised threshold', () => {
    const unread = audit({ resources: [bucket('scans', { hipaa: 'true' }, { versioning: unknown('s3:GetBucketVersioning denied') }), bucket('logos', {}, { versioning: unknown('s3:GetBucketVersioning denied') })], policies });
    expect(auditVerdict(unread, { failOn: 'high' }).incomplete.some((r) => r.startsWith('rule storage-versioning (at or above high) was not evaluated for 1 resource(s): arn:aws:s3:::scans'))).toBe(true);
  });

  it('shows the PHI bucket first in every report, at its raised severity and with the tag that says so', () => {
    const sarif = toSarif(result, { toolVersion: '1' }).runs[0].results.find((r) => r.ruleId === 'storage-public-list' && r.message.text?.startsWith('patient-photos'));
    expect(sarif).toMatchObject({ level: 'error', properties: { classification: 'phi', severity: 'critical', 'security-severity': '9.5' } });
    expect(sarif?.message.text).toContain('Data classification: PHI (tag data-classification=PHI), so the severity is critical, raised from high.');

    const json = toJsonReport(result, '1').findings.filter((f) => f.status === 'fail' && f.ruleId === 'storage-public-list');
    expect(json.map((f) => [f.resourceName, f.severity, f.ruleSeverity, f.classification])).toEqual(
      expect.arrayContaining([
        ['patient-photos', 'critical', 'high', 'phi'],
        ['marketing', 'high', undefined, undefined],
      ]),
    );

    // The PHI bucket's public listing is the first result, finding and row of the machine-read reports too.
    expect(toSarif(result, { toolVersion: '1' }).runs[0].results[0]).toMatchObject({ ruleId: 'storage-public-list', properties: { classification: 'phi' } });
    expect(toJsonReport(result, '1').findings[0]).toMatchObject({ ruleId: 'storage-public-list', resourceName: 'patient-photos', severity: 'critical' });
    expect([...csvChunks(result)].join('').split('\r\n')[1]).toMatch(/^storage-public-list,critical,phi,arn:aws:s3:::patient-photos,/);

    const [header, first] = toConsoleTable(result, { color: false }).split('\n');
    expect(header).toMatch(/^SEVERITY/);
    expect(first).toMatch(/^critical\s+storage-public-list\s+aws:patient-photos\s+\[PHI\] /);

    const markdown = toMarkdown(result);
    const failures = markdown.slice(markdown.indexOf('## Failures'));
    expect(failures.split('\n').find((l) => l.startsWith('- **'))).toBe('- **CRITICAL** `storage-public-list` on `arn:aws:s3:::patient-photos` (PHI data, raised from high): patient-photos lets anyone on the internet list its objects');
  });

  it('never passes a failure below the threshold whose severity an unread tag could raise past it', () => {
    const untagged = { ...bucket('scans', {}), tagsUnknown: 's3:GetBucketTagging denied' };
    const r = audit({ resources: [untagged], policies });
    const versioning = r.findings.find((f) => f.rule.id === 'storage-versioning');
    expect(versioning).toMatchObject({ status: 'fail', severity: 'low', potentialSeverity: 'high' });
    expect(versioning).not.toHaveProperty('classification');
    expect(r.resources[0]!.facts.dataClassification).toEqual({ unknown: 'tags could not be read: s3:GetBucketTagging denied' });
    const judged = auditVerdict(r, { failOn: 'critical' });
    expect(judged.verdict).toBe('incomplete');
    expect(judged.incomplete).toContain('rule storage-public-list failed at high on 1 resource(s) whose tags could not be read; on classified data it is up to critical, at or above critical: arn:aws:s3:::scans');
    // Below the highest raise, nothing is in doubt: a low rule that a tag could raise only to high.
    expect(auditVerdict(r, { failOn: 'high' }).incomplete.some((reason) => reason.includes('storage-versioning failed'))).toBe(true);
    expect(auditVerdict(r, { failOn: 'low' }).incomplete.some((reason) => reason.includes('tags could not be read'))).toBe(false);
    // With --only-new, a failure the baseline already had cannot block whatever its severity.
    const known = { ...r, findings: r.findings.map((f) => (f.status === 'fail' ? { ...f, baselineState: 'unchanged' as const } : f)) };
    expect(auditVerdict(known, { failOn: 'critical', onlyNew: true }).incomplete.some((reason) => reason.includes('tags could not be read'))).toBe(false);
    expect(toSarif(r, { toolVersion: '1' }).runs[0].results.find((x) => x.ruleId === 'storage-versioning')?.message.text).toContain('Data classification unknown (tags could not be read: s3:GetBucketTagging denied), so the severity could be up to high.');
    expect(toJsonReport(r, '1').findings.find((f) => f.ruleId === 'storage-versioning')).toMatchObject({ severity: 'low', potentialSeverity: 'high' });
  });

  it('keeps a PHI classification that the tags read already give, whatever the unread ones say', () => {
    const r = audit({ resources: [{ ...bucket('scans', { hipaa: 'true' }), tagsUnknown: 'owner is known only after apply' }], policies });
    expect(r.findings.find((f) => f.rule.id === 'storage-public-list')).toMatchObject({ severity: 'critical', classification: 'phi' });
    expect(auditVerdict(r, { failOn: 'critical' }).incomplete.filter((reason) => reason.includes('tags could not be read'))).toEqual([]);
  });

  it('classifies a snapshot by the database whose data it holds, through copies, whatever its own tags say', () => {
    const db = resource('database-instance', {}, { id: 'arn:aws:rds:eu-west-1:1:db:patients', name: 'patients', tags: { DataClassification: 'PHI' } });
    const snapshot = resource('snapshot', { public: known(true, 'restorable by all') }, { id: 'arn:aws:rds:eu-west-1:1:snapshot:export', name: 'export', tags: {}, dataFrom: ['arn:aws:rds:eu-west-1:1:db:patients'] });
    const copy = resource('snapshot', { public: known(false) }, { id: 'arn:aws:rds:eu-west-1:1:snapshot:copy', name: 'copy', tags: { data: 'public' }, dataFrom: ['arn:aws:rds:eu-west-1:1:snapshot:export'] });
    const r = audit({ resources: [copy, snapshot, db], policies });
    const classification = (name: string) => r.resources.find((x) => x.name === name)!.facts.dataClassification;
    expect(classification('export')).toEqual({ value: 'phi', evidence: ['tag DataClassification=PHI on patients, whose data it holds'] });
    expect(classification('copy')).toMatchObject({ value: 'phi' });
    expect(r.findings.find((f) => f.rule.id === 'snapshot-public' && f.resource.name === 'export')).toMatchObject({ status: 'fail', classification: 'phi' });
  });

  it('leaves a snapshot unclassified when its database is not in the estate, and unknown when the database tags could not be read', () => {
    const orphan = resource('snapshot', {}, { id: 's1', name: 'orphan', tags: {}, dataFrom: ['arn:aws:rds:eu-west-1:1:db:gone'] });
    const unread = resource('database-instance', {}, { id: 'db2', name: 'billing', tags: {}, tagsUnknown: 'ListTagsForResource denied' });
    const child = resource('snapshot', {}, { id: 's2', name: 'billing-export', tags: {}, dataFrom: ['db2'] });
    const r = audit({ resources: [orphan, unread, child], policies });
    expect(r.resources.find((x) => x.name === 'orphan')!.facts.dataClassification).toMatchObject({ value: 'unclassified' });
    expect(r.resources.find((x) => x.name === 'billing-export')!.facts.dataClassification).toEqual({ unknown: 'the data comes from billing, whose tags could not be read: ListTagsForResource denied' });
  });

  it('reads the mappings of a policy pack', () => {
    const cwd = tempTree({ 'pack.yaml': 'classification:\n  - { key: data }\n' });
    const withPack = loadPolicies({ paths: ['pack.yaml'], cwd });
    const r = audit({ resources: [bucket('x', { data: 'phi' })], policies: withPack });
    expect(r.findings.find((f) => f.rule.id === 'storage-public-list')).toMatchObject({ severity: 'critical', classification: 'phi' });
  });
});
