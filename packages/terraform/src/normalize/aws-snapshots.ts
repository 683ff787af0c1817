import type { Snapshot } from '@aws-sdk/client-ec2';
import type { DBClusterSnapshot, DBSnapshot } from '@aws-sdk/client-rds';
import { normalizeDbClusterSnapshot, normalizeDbSnapshot, normalizeEbsDefaultEncryption, normalizeEbsSnapshot, type RestoreAttribute } from '@leakproof/aws/normalize';
import { fact, isUnknownFact, type Fact, type Resource } from '@leakproof/core';
import type { PlanContext } from '../context.js';
import type { ResourceChange } from '../plan.js';

/** The account and region of planned AWS resources: a plan does not say which account it applies to. */
export const PLAN_ACCOUNT = 'planned';
export const PLAN_REGION = 'planned';

export const AWS_SNAPSHOT_TYPES = [
  'aws_db_snapshot',
  'aws_db_snapshot_copy',
  'aws_db_cluster_snapshot',
  'aws_rds_cluster_snapshot_copy',
  'aws_ebs_snapshot',
  'aws_ebs_snapshot_copy',
  'aws_snapshot_create_volume_permission',
  'aws_ebs_volume',
  'aws_ebs_encryption_by_default',
] as const;

const tagList = (ctx: PlanContext, rc: ResourceChange) => Object.entries(ctx.tags(rc).tags).map(([Key, Value]) => ({ Key, Value }));

/** `shared_accounts` as the RDS restore attribute: `all` makes the snapshot public. */
function restoreOf(ctx: PlanContext, rc: ResourceChange): RestoreAttribute {
  if (ctx.isPending(rc, 'shared_accounts')) return { status: 'unknown', reason: ctx.unknownReason(rc, 'shared_accounts') };
  const accounts = ctx.texts(rc, 'shared_accounts') ?? [];
  // An account known only after apply could be "all".
  if (accounts.includes(null)) return { status: 'unknown', reason: ctx.unknownReason(rc, 'shared_accounts') };
  return { status: 'ok', value: accounts.filter((a): a is string => a !== null) };
}

/**
 * Whether a planned snapshot is encrypted. The provider computes the attribute from the source, so a new
 * snapshot inherits it from the database, volume or snapshot it is taken from when that is in the plan; a
 * copy with `kms_key_id` is encrypted. Anything else is known only after apply.
 */
function encryptedFrom(ctx: PlanContext, rc: ResourceChange, attribute: string, sources: SourceLink[], seen = new Set<ResourceChange>()): Fact {
  const planned = ctx.isUnknown(rc, attribute) ? undefined : ctx.flag(rc, attribute);
  if (planned === true) return fact(true, `${attribute}=true`);
  // A copy of an encrypted snapshot is encrypted whatever its own flag says, so only the source decides.
  if (planned === false && !rc.type.endsWith('_copy')) return fact(false, `${attribute}=false`);
  if (ctx.text(rc, 'kms_key_id')) return fact(true, `kms_key_id=${ctx.text(rc, 'kms_key_id')} (the copy is encrypted with it)`);
  seen.add(rc);
  for (const s of sources) {
    const [parent] = ctx.joinTo(rc, s.via, s.types);
    if (!parent || seen.has(parent)) continue;
    const inherited = parent.type.includes('snapshot') ? encryptedFrom(ctx, parent, s.attribute, (SOURCES as Partial<Record<string, SourceLink[]>>)[parent.type] ?? [], seen) : undefined;
    if (inherited) return isUnknownFact(inherited) ? inherited : fact(inherited.value, `inherited from ${parent.address}: ${inherited.evidence.join('; ')}`);
    // With EBS encryption by default on, AWS creates every new volume encrypted, whatever `encrypted` says.
    if (parent.type === 'aws_ebs_volume' && parent.change.actions.includes('create') && ebsDefaultOn(ctx)) return fact(true, `taken from ${parent.address}, created while aws_ebs_encryption_by_default enabled=true`);
    if (ctx.isUnknown(parent, s.attribute)) return { unknown: ctx.unknownReason(parent, s.attribute) };
    const v = ctx.flag(parent, s.attribute) === true;
    return fact(v, `taken from ${parent.address}, ${s.attribute}=${v}`);
  }
  if (planned === false) return { unknown: `${rc.address} is encrypted when its source is, and the source is not in this plan` };
  return { unknown: ctx.unknownReason(rc, attribute) };
}

/** Where each snapshot type takes its encryption from. */
/** Where a snapshot's encryption comes from: the resource it was taken or copied from. */
interface SourceLink {
  via: string;
  types: string[];
  attribute: string;
}

const SOURCES = {
  aws_db_snapshot: [{ via: 'db_instance_identifier', types: ['aws_db_instance'], attribute: 'storage_encrypted' }],
  aws_db_snapshot_copy: [{ via: 'source_db_snapshot_identifier', types: ['aws_db_snapshot', 'aws_db_snapshot_copy'], attribute: 'encrypted' }],
  aws_db_cluster_snapshot: [{ via: 'db_cluster_identifier', types: ['aws_rds_cluster'], attribute: 'storage_encrypted' }],
  aws_rds_cluster_snapshot_copy: [{ via: 'source_db_cluster_snapshot_identifier', types: ['aws_db_cluster_snapshot', 'aws_rds_cluster_snapshot_copy'], attribute: 'storage_encrypted' }],
  aws_ebs_snapshot: [{ via: 'volume_id', types: ['aws_ebs_volume'], attribute: 'encrypted' }],
  aws_ebs_snapshot_copy: [{ via: 'source_snapshot_id', types: ['aws_ebs_snapshot', 'aws_ebs_snapshot_copy'], attribute: 'encrypted' }],
} satisfies Record<string, SourceLink[]>;

/** Whether the plan turns EBS encryption by default on (it defaults to enabled). */
function ebsDefaultOn(ctx: PlanContext): boolean {
  return (ctx.byType.get('aws_ebs_encryption_by_default') ?? []).some((d) => !ctx.isUnknown(d, 'enabled') && ctx.flag(d, 'enabled') !== false);
}

function withEncryption(resource: Resource, encrypted: Fact): Resource {
  resource.facts.encrypted = encrypted;
  return resource;
}

/**
 * RDS and EBS snapshots of the plan, judged by the live normalizers. `shared_accounts = ["all"]` makes an
 * RDS snapshot public. Terraform can share an EBS snapshot only with named accounts
 * (`aws_snapshot_create_volume_permission.account_id`), never with group `all`, so a planned EBS snapshot
 * is not public.
 */
export function awsSnapshots(ctx: PlanContext, place: (rc: ResourceChange, r: Resource) => void): Resource[] {
  const out: Resource[] = [];
  const now = new Date();
  const add = (rc: ResourceChange, r: Resource) => {
    place(rc, r);
    // The snapshot holds the data of what it was taken or copied from: named by Terraform address, as
    // the engine finds planned resources, when that is in the plan.
    const links = (SOURCES as Partial<Record<string, SourceLink[]>>)[rc.type] ?? [];
    const from = links.flatMap((s) => ctx.joinTo(rc, s.via, s.types).map((p) => p.address));
    if (from.length) r.dataFrom = from;
    else delete r.dataFrom;
    out.push(r);
  };
  for (const rc of ctx.of('aws_db_snapshot')) {
    const s: DBSnapshot = { DBSnapshotIdentifier: ctx.text(rc, 'db_snapshot_identifier') ?? rc.address, DBInstanceIdentifier: ctx.text(rc, 'db_instance_identifier'), SnapshotType: 'manual', TagList: tagList(ctx, rc) };
    const arn = ctx.text(rc, 'db_snapshot_arn');
    if (arn) s.DBSnapshotArn = arn;
    add(rc, withEncryption(normalizeDbSnapshot(s, restoreOf(ctx, rc), PLAN_REGION, PLAN_ACCOUNT, now), encryptedFrom(ctx, rc, 'encrypted', SOURCES.aws_db_snapshot)));
  }
  for (const rc of ctx.of('aws_db_snapshot_copy')) {
    const s: DBSnapshot = { DBSnapshotIdentifier: ctx.text(rc, 'target_db_snapshot_identifier') ?? rc.address, DBInstanceIdentifier: ctx.text(rc, 'db_instance_identifier') ?? `copy of ${ctx.text(rc, 'source_db_snapshot_identifier') ?? 'a snapshot'}`, SnapshotType: 'manual', TagList: tagList(ctx, rc) };
    const arn = ctx.text(rc, 'db_snapshot_arn');
    if (arn) s.DBSnapshotArn = arn;
    add(rc, withEncryption(normalizeDbSnapshot(s, restoreOf(ctx, rc), PLAN_REGION, PLAN_ACCOUNT, now), encryptedFrom(ctx, rc, 'encrypted', SOURCES.aws_db_snapshot_copy)));
  }
  for (const rc of ctx.of('aws_db_cluster_snapshot')) {
    const s: DBClusterSnapshot = { DBClusterSnapshotIdentifier: ctx.text(rc, 'db_cluster_snapshot_identifier') ?? rc.address, DBClusterIdentifier: ctx.text(rc, 'db_cluster_identifier'), SnapshotType: 'manual' };
    const arn = ctx.text(rc, 'db_cluster_snapshot_arn');
    if (arn) s.DBClusterSnapshotArn = arn;
    add(rc, withEncryption(normalizeDbClusterSnapshot(s, restoreOf(ctx, rc), PLAN_REGION, PLAN_ACCOUNT, now), encryptedFrom(ctx, rc, 'storage_encrypted', SOURCES.aws_db_cluster_snapshot)));
  }
  for (const rc of ctx.of('aws_rds_cluster_snapshot_copy')) {
    const s: DBClusterSnapshot = { DBClusterSnapshotIdentifier: ctx.text(rc, 'target_db_cluster_snapshot_identifier') ?? rc.address, DBClusterIdentifier: `copy of ${ctx.text(rc, 'source_db_cluster_snapshot_identifier') ?? 'a snapshot'}`, SnapshotType: 'manual' };
    const arn = ctx.text(rc, 'db_cluster_snapshot_arn');
    if (arn) s.DBClusterSnapshotArn = arn;
    add(rc, withEncryption(normalizeDbClusterSnapshot(s, restoreOf(ctx, rc), PLAN_REGION, PLAN_ACCOUNT, now), encryptedFrom(ctx, rc, 'storage_encrypted', SOURCES.aws_rds_cluster_snapshot_copy)));
  }
  ctx.of('aws_snapshot_create_volume_permission'); // shares with one named account: never public
  ctx.of('aws_ebs_volume'); // judged through the snapshots taken of it
  for (const type of ['aws_ebs_snapshot', 'aws_ebs_snapshot_copy'] as const) {
    for (const rc of ctx.of(type)) {
      const id = ctx.text(rc, 'id') ?? rc.address;
      const s: Snapshot = { SnapshotId: id, VolumeId: ctx.text(rc, 'volume_id') ?? (type === 'aws_ebs_snapshot_copy' ? `a copy of ${ctx.text(rc, 'source_snapshot_id') ?? 'a snapshot'}` : undefined), Tags: tagList(ctx, rc) };
      const resource = normalizeEbsSnapshot(s, PLAN_REGION, PLAN_ACCOUNT, { status: 'ok', value: new Set() }, now);
      resource.facts.public = fact(false, 'Terraform shares EBS snapshots only with named accounts (aws_snapshot_create_volume_permission), never with group all');
      let encrypted = encryptedFrom(ctx, rc, 'encrypted', SOURCES[type]);
      // With EBS encryption by default on, a copy of an unencrypted snapshot is encrypted.
      if (type === 'aws_ebs_snapshot_copy' && ebsDefaultOn(ctx) && !(!isUnknownFact(encrypted) && encrypted.value === true)) encrypted = fact(true, 'copied while aws_ebs_encryption_by_default enabled=true');
      if (!ctx.text(rc, 'id')) resource.id = `terraform:${rc.address}`;
      add(rc, withEncryption(resource, encrypted));
    }
  }
  return out;
}

/** `aws_ebs_encryption_by_default` as the regional account setting the live collector reads. */
export function awsEbsDefaultEncryption(ctx: PlanContext, place: (rc: ResourceChange, r: Resource) => void): Resource[] {
  return ctx.of('aws_ebs_encryption_by_default').map((rc) => {
    const outcome = ctx.isUnknown(rc, 'enabled') ? ({ status: 'unknown', reason: ctx.unknownReason(rc, 'enabled') } as const) : ({ status: 'ok', value: ctx.flag(rc, 'enabled') !== false } as const);
    const resource = normalizeEbsDefaultEncryption(outcome, PLAN_REGION, PLAN_ACCOUNT);
    place(rc, resource);
    return resource;
  });
}
