import { describe, expect, it } from 'vitest';
import { normalizePlanText } from '../index.js';

/** A policy document data source in a plan: its planned arguments, which of them wait for apply, and its configuration references. */
interface PlannedDocument {
  name: string;
  after?: Record<string, unknown>;
  afterUnknown?: Record<string, unknown>;
  references?: Record<string, string[]>;
}

const publicRead = { sid: 'PublicRead', effect: 'Allow', actions: ['s3:GetObject'], principals: [{ type: '*', identifiers: ['*'] }] };
const accountRead = { sid: 'PublicRead', effect: 'Allow', actions: ['s3:GetObject'], principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }] };
const denyInsecure = { sid: 'DenyInsecureTransport', effect: 'Deny', actions: ['s3:*'], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] };
const json = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const refsTo = (...names: string[]) => names.flatMap((n) => [`data.aws_iam_policy_document.${n}.json`, `data.aws_iam_policy_document.${n}`]);

/**
 * A plan creating a bucket with Block Public Access off whose policy is `data.aws_iam_policy_document.main.json`,
 * with `main` and the documents it merges all read at apply (they name the new bucket's ARN).
 */
function planWith(documents: PlannedDocument[]): string {
  const managed = (type: string, after: Record<string, unknown>, afterUnknown: Record<string, unknown>) => ({ address: `${type}.b`, mode: 'managed', type, name: 'b', change: { actions: ['create'], after, after_unknown: afterUnknown } });
  const bpaOff = { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false };
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: [
      managed('aws_s3_bucket', { bucket: 'clinic-merged' }, { arn: true, id: true }),
      managed('aws_s3_bucket_public_access_block', bpaOff, { bucket: true }),
      managed('aws_s3_bucket_policy', {}, { bucket: true, policy: true }),
      ...documents.map((d) => ({
        address: `data.aws_iam_policy_document.${d.name}`,
        mode: 'data',
        type: 'aws_iam_policy_document',
        name: d.name,
        change: { actions: ['read'], after: { version: '2012-10-17', statement: [], source_policy_documents: null, override_policy_documents: null, source_json: null, override_json: null, ...d.after }, after_unknown: { id: true, json: true, ...d.afterUnknown } },
      })),
    ],
    configuration: {
      root_module: {
        resources: [
          { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', expressions: { bucket: { constant_value: 'clinic-merged' } } },
          { address: 'aws_s3_bucket_public_access_block.b', mode: 'managed', type: 'aws_s3_bucket_public_access_block', name: 'b', expressions: { bucket: { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] } } },
          { address: 'aws_s3_bucket_policy.b', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'b', expressions: { bucket: { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] }, policy: { references: refsTo('main') } } },
          ...documents.map((d) => ({
            address: `data.aws_iam_policy_document.${d.name}`,
            mode: 'data',
            type: 'aws_iam_policy_document',
            name: d.name,
            expressions: Object.fromEntries(Object.entries(d.references ?? {}).map(([k, references]) => [k, { references }])),
          })),
        ],
      },
    },
  });
}

const bucketFacts = (documents: PlannedDocument[]) => normalizePlanText(planWith(documents), 'plan.json', { sourceRoot: '/nonexistent' }).resources.find((r) => r.kind === 'storage-bucket')?.facts;

describe('a policy document that merges other documents', () => {
  it('merges source documents whose JSON is in the plan, so a public statement from one of them is public', () => {
    const facts = bucketFacts([{ name: 'main', after: { source_policy_documents: [json({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::clinic-merged/*' })] } }]);
    expect(facts?.publicRead).toMatchObject({ value: true });
    expect(facts?.tlsEnforced).toMatchObject({ value: false });
  });

  it('renders a source document that is itself read at apply, and takes the TLS rule from another', () => {
    const facts = bucketFacts([
      { name: 'main', after: { source_policy_documents: [json({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }), null] }, afterUnknown: { source_policy_documents: [false, true] }, references: { source_policy_documents: refsTo('tls', 'read') } },
      { name: 'read', after: { statement: [publicRead] }, afterUnknown: { statement: [{ resources: true }] } },
    ]);
    expect(facts?.publicRead).toMatchObject({ value: true });
    expect(facts?.tlsEnforced).toMatchObject({ value: true });
  });

  it("lets the document's own statement replace a source statement with the same Sid", () => {
    const facts = bucketFacts([{ name: 'main', after: { source_policy_documents: [null], statement: [accountRead] }, afterUnknown: { source_policy_documents: [true] }, references: { source_policy_documents: refsTo('read') } }, { name: 'read', after: { statement: [publicRead] } }]);
    expect(facts?.publicRead).toMatchObject({ value: false });
  });

  it('lets an override document replace the statement with the same Sid, and appends one without a Sid', () => {
    const facts = bucketFacts([
      { name: 'main', after: { statement: [publicRead], override_policy_documents: [null] }, afterUnknown: { override_policy_documents: [true] }, references: { override_policy_documents: refsTo('restrict') } },
      { name: 'restrict', after: { statement: [accountRead, { ...denyInsecure, sid: null }] } },
    ]);
    expect(facts?.publicRead).toMatchObject({ value: false });
    expect(facts?.tlsEnforced).toMatchObject({ value: true });
  });

  it('reads the older source_json and override_json the same way', () => {
    expect(bucketFacts([{ name: 'main', after: { source_json: json({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }) } }])?.publicRead).toMatchObject({ value: true });
    expect(bucketFacts([{ name: 'main', after: { statement: [publicRead] }, afterUnknown: { override_json: true }, references: { override_json: refsTo('restrict') } }, { name: 'restrict', after: { statement: [accountRead] } }])?.publicRead).toMatchObject({ value: false });
  });

  it.each<[string, PlannedDocument[], string]>([
    ['the list itself waits for apply (compact, a conditional)', [{ name: 'main', afterUnknown: { source_policy_documents: true }, references: { source_policy_documents: refsTo('read') } }, { name: 'read', after: { statement: [publicRead] } }], 'data.aws_iam_policy_document.main.source_policy_documents is known only after apply, so which documents it merges is not in the plan'],
    ['an element waits for a variable', [{ name: 'main', after: { source_policy_documents: [null] }, afterUnknown: { source_policy_documents: [true] }, references: { source_policy_documents: ['var.policy'] } }], 'data.aws_iam_policy_document.main.source_policy_documents is known only after apply: an element waits for something other than a policy document'],
    ['a merged document waits on who it allows', [{ name: 'main', after: { source_policy_documents: [null] }, afterUnknown: { source_policy_documents: [true] }, references: { source_policy_documents: refsTo('read') } }, { name: 'read', after: { statement: [publicRead] }, afterUnknown: { statement: [{ principals: true }] } }], 'data.aws_iam_policy_document.read.statement[0].principals is known only after apply'],
    ['two overrides read at apply share a Sid, so their order decides', [{ name: 'main', after: { override_policy_documents: [null, null] }, afterUnknown: { override_policy_documents: [true, true] }, references: { override_policy_documents: refsTo('a', 'b') } }, { name: 'a', after: { statement: [publicRead] } }, { name: 'b', after: { statement: [accountRead] } }], 'data.aws_iam_policy_document.main.override_policy_documents is known only after apply: documents sharing a Sid are merged in an order the plan does not say'],
    ['a merged element is not a policy document', [{ name: 'main', after: { source_policy_documents: ['allUsers'] } }], 'data.aws_iam_policy_document.main.source_policy_documents has an element that is not a policy document'],
  ])('stays unknown, saying why, when %s', (_case, documents, reason) => {
    expect(bucketFacts(documents)?.publicRead).toMatchObject({ unknown: reason });
  });
});
