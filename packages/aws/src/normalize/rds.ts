import type { DBCluster, DBClusterSnapshot, DBInstance, DBSnapshot } from '@aws-sdk/client-rds';
import { databaseServicesIn, fact, type Fact, type Resource } from '@leakproof/core';
import { outcomeReason, type CallOutcome } from '@leakproof/core';
import { tagsOf, type GroupExposure, type InternetIngress } from './ec2.js';

const DEFAULT_PORTS: Array<[RegExp, number]> = [
  [/postgres/, 5432],
  [/mysql|mariadb/, 3306],
  [/sqlserver/, 1433],
  [/oracle/, 1521],
  [/db2/, 50000],
];

function portOf(engine: string | undefined, port: number | undefined): number | undefined {
  return port ?? DEFAULT_PORTS.find(([re]) => re.test(engine ?? ''))?.[1];
}

/** The TLS-related parameters of a database's parameter group, by name (undefined: engine default). */
export type TlsParameters = CallOutcome<{ group: string; values: Record<string, string | undefined> }>;

/**
 * Whether the parameter group forces TLS: rds.force_ssl (PostgreSQL, SQL Server, Aurora PostgreSQL) or
 * require_secure_transport (MySQL, MariaDB, Aurora MySQL). An unset value is the engine default, which
 * forces TLS only for PostgreSQL 15 and later.
 */
export function tlsRequiredFact(engine: string | undefined, version: string | undefined, params: TlsParameters | undefined): Fact | undefined {
  if (!params || params.status === 'skipped') return undefined;
  if (params.status !== 'ok') return { unknown: outcomeReason(params, 'the parameter group') };
  const e = engine ?? '';
  const name = /postgres|sqlserver/.test(e) ? 'rds.force_ssl' : /mysql|mariadb/.test(e) ? 'require_secure_transport' : undefined;
  if (!name) return { unknown: `TLS enforcement is not judged for engine ${e || 'unknown'} (it is set outside the parameter group)` };
  const value = params.value.values[name];
  if (value === undefined) {
    const major = Number(/^(\d+)/.exec(version ?? '')?.[1] ?? 0);
    const defaultOn = /postgres/.test(e) && !/aurora/.test(e) && major >= 15;
    return fact(defaultOn, `parameter group ${params.value.group}: ${name} not set (engine default ${defaultOn ? 'on' : 'off'})`);
  }
  const on = value === '1' || value.toLowerCase() === 'on' || value.toLowerCase() === 'true';
  return fact(on, `parameter group ${params.value.group}: ${name}=${value}`);
}

interface DatabaseShape {
  identifier: string;
  arn: string;
  engine?: string;
  engineVersion?: string;
  port?: number;
  publiclyAccessible?: boolean;
  groups: string[];
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  backupRetention?: number;
  deletionProtection?: boolean;
  tags?: Array<{ Key?: string; Value?: string }>;
  type: string;
  tls?: TlsParameters;
}

/**
 * Reachable from the internet only if the database is publicly accessible AND one of its security
 * groups admits a public range on its port. The evidence names each link of that chain.
 */
function reachability(db: DatabaseShape, exposure: GroupExposure, publicly: Fact): Record<string, Fact> {
  const port = portOf(db.engine, db.port);
  const isPublic = 'value' in publicly && publicly.value === true;
  // An unknown "publicly accessible" has evidence too, when it has any: it is carried along.
  const publicEvidence = publicly.evidence ?? [];
  if (!exposure.known) {
    return {
      internetExposedPorts: { unknown: exposure.reason },
      internetReachable: isPublic ? { unknown: exposure.reason, evidence: publicEvidence } : fact(false, ...publicEvidence),
    };
  }
  const covering: InternetIngress[] = db.groups
    .flatMap((g) => exposure.byGroup.get(g) ?? [])
    .filter((i) => port !== undefined && (i.protocol === 'all' || i.protocol === 'tcp') && i.from <= port && port <= i.to);
  const labels = port === undefined ? [] : [...new Set(covering.map((i) => `${databaseServicesIn('tcp', port, port)[0] ?? `port ${port}/tcp`} from ${i.source}`))];
  const exposed = fact(labels, ...(covering.length ? covering.map((i) => i.evidence) : [`security groups ${db.groups.join(', ') || '(none)'} admit no public range on ${port ?? 'its port'}`]));
  let reachable: Fact;
  if (!isPublic) reachable = fact(false, ...publicEvidence);
  else if (covering.length === 0) reachable = fact(false, ...publicEvidence, ...exposed.evidence);
  else reachable = fact(true, ...publicEvidence, ...covering.map((i) => i.evidence), `the database listens on ${port ?? 'its port'}`);
  return { internetExposedPorts: exposed, internetReachable: reachable };
}

function databaseResource(db: DatabaseShape, region: string, account: string, exposure: GroupExposure): Resource {
  const publicly = fact(db.publiclyAccessible === true, `PubliclyAccessible=${db.publiclyAccessible === true}`);
  const port = portOf(db.engine, db.port);
  const retention = db.backupRetention ?? 0;
  const facts: Record<string, Fact> = {
    engine: fact(db.engine ?? 'unknown', `Engine=${db.engine ?? '?'}${db.engineVersion ? ` ${db.engineVersion}` : ''}`),
    ...(port !== undefined ? { port: fact(port, `port ${port}`) } : {}),
    publiclyAccessible: publicly,
    ...reachability(db, exposure, publicly),
    // Whether KmsKeyId is an AWS managed or a customer managed key needs kms:DescribeKey; "encrypted" is certain.
    encryptionAtRest: db.storageEncrypted ? fact('provider-managed', 'StorageEncrypted=true', ...(db.kmsKeyId ? [`KmsKeyId=${db.kmsKeyId}`] : [])) : fact('none', 'StorageEncrypted=false'),
    backupsEnabled: fact(retention > 0, `BackupRetentionPeriod=${retention}`),
    backupRetentionDays: fact(retention, `BackupRetentionPeriod=${retention}`),
    deletionProtection: fact(db.deletionProtection === true, `DeletionProtection=${db.deletionProtection === true}`),
  };
  const tls = tlsRequiredFact(db.engine, db.engineVersion, db.tls);
  if (tls) facts.tlsRequired = tls;
  return { id: db.arn, kind: 'database-instance', provider: 'aws', account, region, name: db.identifier, type: db.type, tags: tagsOf(db.tags), facts };
}

/** Pure: an RDS DB instance and its security groups' exposure to a database-instance resource. */
export function normalizeDbInstance(i: DBInstance, region: string, account: string, exposure: GroupExposure, partition = 'aws', tls?: TlsParameters): Resource {
  return databaseResource(
    {
      identifier: i.DBInstanceIdentifier ?? '?',
      arn: i.DBInstanceArn ?? `arn:${partition}:rds:${region}:${account}:db:${i.DBInstanceIdentifier}`,
      engine: i.Engine,
      engineVersion: i.EngineVersion,
      port: i.Endpoint?.Port ?? i.DbInstancePort,
      publiclyAccessible: i.PubliclyAccessible,
      groups: (i.VpcSecurityGroups ?? []).filter((g) => g.Status !== 'inactive').map((g) => g.VpcSecurityGroupId ?? '?'),
      storageEncrypted: i.StorageEncrypted,
      kmsKeyId: i.KmsKeyId,
      backupRetention: i.BackupRetentionPeriod,
      deletionProtection: i.DeletionProtection,
      tags: i.TagList,
      type: 'AWS::RDS::DBInstance',
      ...(tls ? { tls } : {}),
    },
    region,
    account,
    exposure,
  );
}

/**
 * Pure: an RDS/Aurora DB cluster. A cluster is publicly accessible when the cluster says so
 * (Multi-AZ DB clusters) or when any member instance is.
 */
export function normalizeDbCluster(c: DBCluster, members: DBInstance[], region: string, account: string, exposure: GroupExposure, partition = 'aws', tls?: TlsParameters): Resource {
  const publicMember = members.find((m) => m.PubliclyAccessible);
  const resource = databaseResource(
    {
      identifier: c.DBClusterIdentifier ?? '?',
      arn: c.DBClusterArn ?? `arn:${partition}:rds:${region}:${account}:cluster:${c.DBClusterIdentifier}`,
      engine: c.Engine,
      engineVersion: c.EngineVersion,
      port: c.Port,
      publiclyAccessible: c.PubliclyAccessible === true || publicMember !== undefined,
      groups: (c.VpcSecurityGroups ?? []).filter((g) => g.Status !== 'inactive').map((g) => g.VpcSecurityGroupId ?? '?'),
      storageEncrypted: c.StorageEncrypted,
      kmsKeyId: c.KmsKeyId,
      backupRetention: c.BackupRetentionPeriod,
      deletionProtection: c.DeletionProtection,
      tags: c.TagList,
      type: 'AWS::RDS::DBCluster',
      ...(tls ? { tls } : {}),
    },
    region,
    account,
    exposure,
  );
  if (publicMember && c.PubliclyAccessible !== true) {
    resource.facts.publiclyAccessible = fact(true, `member instance ${publicMember.DBInstanceIdentifier} has PubliclyAccessible=true`);
  }
  return resource;
}

/** Whether a manual snapshot's `restore` attribute includes `all`. */
export type RestoreAttribute = CallOutcome<string[]>;

function snapshotPublicFact(automated: boolean, restore: RestoreAttribute): Fact {
  if (automated) return fact(false, 'automated snapshots cannot be shared');
  if (restore.status === 'ok') return restore.value.includes('all') ? fact(true, 'DBSnapshotAttributes restore: [all] (restorable by every AWS account)') : fact(false, `restore attribute: [${restore.value.join(', ')}]`);
  if (restore.status === 'not-configured') return fact(false, 'no restore attribute');
  return { unknown: outcomeReason(restore, 'the snapshot attributes') };
}

function ageDays(created: Date | undefined, now: Date): Record<string, Fact> {
  if (!created) return {};
  const when = new Date(created);
  return { ageDays: fact(Math.floor((now.getTime() - when.getTime()) / 86_400_000), `SnapshotCreateTime=${when.toISOString().slice(0, 10)}`) };
}

/**
 * The ARNs of what a snapshot holds the data of: its database or cluster, and for a copy the snapshot
 * it was copied from (named by ARN when copied across regions or accounts, else by identifier).
 */
function snapshotSources(arn: string | undefined, region: string, account: string, source: { type: 'db' | 'cluster'; id?: string }, copiedFrom: string | undefined): string[] {
  const partition = arn?.split(':')[1] ?? 'aws';
  const out: string[] = [];
  if (source.id) out.push(`arn:${partition}:rds:${region}:${account}:${source.type}:${source.id}`);
  if (copiedFrom) out.push(copiedFrom.startsWith('arn:') ? copiedFrom : `arn:${partition}:rds:${region}:${account}:${source.type === 'db' ? 'snapshot' : 'cluster-snapshot'}:${copiedFrom}`);
  return out;
}

/** Pure: an RDS DB snapshot with its restore attribute. */
export function normalizeDbSnapshot(s: DBSnapshot, restore: RestoreAttribute, region: string, account: string, now: Date): Resource {
  const id = s.DBSnapshotIdentifier ?? '?';
  const dataFrom = snapshotSources(s.DBSnapshotArn, region, account, { type: 'db', ...(s.DBInstanceIdentifier ? { id: s.DBInstanceIdentifier } : {}) }, s.SourceDBSnapshotIdentifier);
  return {
    id: s.DBSnapshotArn ?? `arn:aws:rds:${region}:${account}:snapshot:${id}`,
    kind: 'snapshot',
    provider: 'aws',
    account,
    region,
    name: id,
    type: 'AWS::RDS::DBSnapshot',
    tags: tagsOf(s.TagList),
    ...(dataFrom.length ? { dataFrom } : {}),
    facts: {
      snapshotOf: fact('database', `RDS DB snapshot of ${s.DBInstanceIdentifier ?? '?'}`),
      public: snapshotPublicFact(s.SnapshotType === 'automated', restore),
      encrypted: fact(s.Encrypted === true, `Encrypted=${s.Encrypted === true}`),
      ...ageDays(s.SnapshotCreateTime, now),
    },
  };
}

/** Pure: an RDS DB cluster snapshot with its restore attribute. */
export function normalizeDbClusterSnapshot(s: DBClusterSnapshot, restore: RestoreAttribute, region: string, account: string, now: Date): Resource {
  const id = s.DBClusterSnapshotIdentifier ?? '?';
  const dataFrom = snapshotSources(s.DBClusterSnapshotArn, region, account, { type: 'cluster', ...(s.DBClusterIdentifier ? { id: s.DBClusterIdentifier } : {}) }, s.SourceDBClusterSnapshotArn);
  return {
    id: s.DBClusterSnapshotArn ?? `arn:aws:rds:${region}:${account}:cluster-snapshot:${id}`,
    kind: 'snapshot',
    provider: 'aws',
    account,
    region,
    name: id,
    type: 'AWS::RDS::DBClusterSnapshot',
    tags: tagsOf(s.TagList),
    ...(dataFrom.length ? { dataFrom } : {}),
    facts: {
      snapshotOf: fact('database', `RDS DB cluster snapshot of ${s.DBClusterIdentifier ?? '?'}`),
      public: snapshotPublicFact(s.SnapshotType === 'automated', restore),
      encrypted: fact(s.StorageEncrypted === true, `StorageEncrypted=${s.StorageEncrypted === true}`),
      ...ageDays(s.SnapshotCreateTime, now),
    },
  };
}
