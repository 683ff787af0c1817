import { DATA_CLASSIFICATIONS, UNCLASSIFIED } from './classification.js';
import type { FactValue, ResourceKind } from './model.js';

/** The type of a fact's value: boolean, number, string, string list or an enumeration. */
export type FactType =
  | { type: 'boolean' }
  | { type: 'number' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'string[]' };

/** A fact of the catalogue: its type and what it means. */
export type FactDefinition = FactType & { description: string };

const bool = (description: string): FactDefinition => ({ type: 'boolean', description });
const num = (description: string): FactDefinition => ({ type: 'number', description });
const str = (description: string): FactDefinition => ({ type: 'string', description });
const list = (description: string): FactDefinition => ({ type: 'string[]', description });
const oneOf = (values: readonly string[], description: string): FactDefinition => ({ type: 'enum', values, description });

const ENCRYPTION = ['none', 'provider-managed', 'customer-managed'] as const;

// Computed by the engine for every resource from its tags, before any rule runs (see classification.ts).
const DATA_CLASSIFICATION = oneOf(
  [...DATA_CLASSIFICATIONS, UNCLASSIFIED],
  'What data the resource holds, from its tags or labels (`data-classification: phi`, `hipaa: true`, and the mappings of the config file and policy packs): phi, pii, confidential, public, or unclassified; at least that of the resources whose data it holds (a snapshot takes that of its database); unknown when tags could not be read (unless those read say phi). Rules may raise their severity by it (`escalate`).',
);

/**
 * The registry of facts each resource kind may carry. Collectors write only these; rules may test
 * only these, so a typo in a rule's path is a load-time error rather than a rule that never fires.
 * Facts are provider-neutral judgments: the hard work (is this policy public? is this port reachable?)
 * happens once, in a collector's normalizer, which also records the evidence.
 */
export const FACT_CATALOGUE = {
  'storage-bucket': {
    dataClassification: DATA_CLASSIFICATION,
    publicRead: bool('Anyone on the internet can read objects, after every provider guard (AWS Block Public Access, GCP public access prevention, the Azure account flag).'),
    publicList: bool('Anyone on the internet can list the objects.'),
    publicWrite: bool('Anyone on the internet can write or delete objects, or change the access control.'),
    authenticatedUsersAccess: bool('Any authenticated user of the cloud provider, in any account, can read, list or write (AWS AuthenticatedUsers, GCP allAuthenticatedUsers).'),
    publicAccessPrevention: bool("The provider's public-access guard is fully on for this bucket (all four AWS Block Public Access flags, GCP publicAccessPrevention=enforced, Azure allowBlobPublicAccess=false)."),
    policyPublic: bool("The bucket policy or IAM policy grants access to everyone by the provider's own definition, before any guard."),
    aclPublic: bool('An ACL grants access to everyone or to all authenticated users, before any guard.'),
    aclsDisabled: bool('Object ACLs are disabled (AWS BucketOwnerEnforced, GCP uniform bucket-level access).'),
    encryptionAtRest: oneOf(ENCRYPTION, 'Default encryption at rest and who manages the key.'),
    encryptionKeyId: str('The customer-managed key used for default encryption.'),
    tlsEnforced: bool('Requests without TLS are refused (AWS Deny on aws:SecureTransport=false; GCP and Azure enforce it by the service or the account setting).'),
    versioning: bool('Object versioning (or blob versioning / soft delete) is on.'),
    mfaDelete: bool('Deleting versions needs MFA (AWS).'),
    accessLogging: bool('Server access logging is on.'),
    objectLock: bool('Object lock or a locked retention policy protects objects from deletion.'),
  },
  'storage-account': {
    dataClassification: DATA_CLASSIFICATION,
    publicNetworkAccess: bool('The account endpoint accepts traffic from the internet.'),
    networkOpenToInternet: bool('The network rules let any internet address in (default action Allow, or a broad public IP rule).'),
    allowBlobPublicAccess: bool('Containers in the account may be made public.'),
    httpsOnly: bool('Only HTTPS traffic is accepted.'),
    minimumTlsVersion: str('The lowest TLS version accepted, e.g. TLS1_2.'),
    sharedKeyAccess: bool('Requests may be authorised with the account key.'),
    encryptionAtRest: oneOf(ENCRYPTION, 'Encryption at rest and who manages the key.'),
    blobSoftDelete: bool('Deleted blobs are kept for a retention period.'),
    versioning: bool('Blob versioning is on.'),
  },
  'database-instance': {
    dataClassification: DATA_CLASSIFICATION,
    engine: str('Database engine, e.g. postgres, mysql, sqlserver.'),
    port: num('The port the database listens on.'),
    publiclyAccessible: bool('The database has a public endpoint (AWS PubliclyAccessible, a Cloud SQL public IPv4 address, Azure publicNetworkAccess=Enabled).'),
    internetReachable: bool('The database can be reached from the internet: a public endpoint AND a network rule that admits a public address on its port.'),
    internetExposedPorts: list('Ports of this database that a network rule admits from the internet.'),
    openToCloudTenants: bool('Any customer of the cloud provider can reach it (Azure "Allow Azure services" 0.0.0.0-0.0.0.0).'),
    encryptionAtRest: oneOf(ENCRYPTION, 'Storage encryption and who manages the key.'),
    tlsRequired: bool('Connections must use TLS.'),
    backupsEnabled: bool('Automated backups are on.'),
    backupRetentionDays: num('Days automated backups are kept.'),
    deletionProtection: bool('The instance cannot be deleted without first turning protection off (on Azure, a CanNotDelete or ReadOnly management lock on it, its resource group or the subscription).'),
    auditLogging: bool('Database auditing records events to a log (Azure SQL server auditing, pgAudit on PostgreSQL and the audit log on MySQL flexible servers).'),
  },
  database: {
    dataClassification: DATA_CLASSIFICATION,
    encryptionAtRest: oneOf(ENCRYPTION, "The database's data is encrypted at rest (Azure SQL transparent data encryption) and who manages the key."),
  },
  'network-firewall': {
    dataClassification: DATA_CLASSIFICATION,
    direction: oneOf(['ingress', 'egress'], 'Traffic direction the rule set governs.'),
    enabled: bool('The rule or group is in force.'),
    internetIngressPorts: list('Ports and protocols admitted from any internet address, e.g. `5432/tcp from 0.0.0.0/0`.'),
    internetIngressDatabasePorts: list('Database services admitted from the internet, named from the database port catalogue, e.g. `PostgreSQL 5432/tcp from 0.0.0.0/0`.'),
    internetIngressUdpServices: list('UDP database services (SQL Server Browser 1434/udp, Memcached 11211/udp) that a rule targeting their port admits from the internet; a broad UDP range does not count.'),
    internetIngressAllTraffic: bool('All ports and protocols are admitted from the internet.'),
    appliesTo: list('What the rule guards: instances, network interfaces, subnets, target tags or service accounts.'),
    inUse: bool('The rule set is attached to something.'),
  },
  'compute-instance': {
    dataClassification: DATA_CLASSIFICATION,
    publicIp: bool('The instance has a public IP address.'),
    internetExposedDatabasePorts: list('Database ports its firewall admits from the internet.'),
    internetReachableDatabase: bool('A public IP AND a firewall that admits a database port from the internet.'),
  },
  snapshot: {
    dataClassification: DATA_CLASSIFICATION,
    snapshotOf: oneOf(['disk', 'database'], 'What the snapshot copies.'),
    public: bool('Anyone may copy or restore the snapshot (EBS createVolumePermission group all, RDS restore attribute all).'),
    encrypted: bool('The snapshot is encrypted.'),
    ageDays: num('Days since the snapshot was taken.'),
  },
  account: {
    dataClassification: DATA_CLASSIFICATION,
    storagePublicAccessPrevention: bool('Account-wide public-access guard for storage is fully on (AWS account Block Public Access, all four flags).'),
    diskDefaultEncryption: bool('New disks are encrypted by default (EBS default encryption) in this region.'),
  },
} as const satisfies Record<ResourceKind, Record<string, FactDefinition>>;

/** The catalogue looked up by any name (a rule's or a snapshot's), not only the names it declares. */
const BY_NAME: Record<ResourceKind, Readonly<Record<string, FactDefinition>>> = FACT_CATALOGUE;

/** The names of the facts a resource kind may carry, as the catalogue declares them. */
export type FactName<K extends ResourceKind = ResourceKind> = K extends ResourceKind ? keyof (typeof FACT_CATALOGUE)[K] & string : never;

/**
 * The facts a collector call feeds, by resource kind. Each name is checked against the catalogue when
 * the call table compiles: a call cannot claim a fact its kind does not have.
 */
export type FactFeeds = { readonly [K in ResourceKind]?: readonly FactName<K>[] };

/** Resource attributes a rule may test besides facts, as `resource.<name>` or `resource.tags.<key>`. */
export const RESOURCE_ATTRIBUTES = ['id', 'kind', 'provider', 'account', 'region', 'name', 'type'] as const;

/** The catalogue's definition of a fact of a resource kind, if there is one. */
export function factDefinition(kind: ResourceKind, name: string): FactDefinition | undefined {
  return Object.hasOwn(BY_NAME[kind], name) ? BY_NAME[kind][name] : undefined;
}

/** Checks a fact value against its declared type; returns a description of the mismatch, or undefined. */
export function checkFactValue(def: FactDefinition, value: FactValue): string | undefined {
  if (value === null) return undefined;
  switch (def.type) {
    case 'boolean':
    case 'number':
    case 'string':
      return typeof value === def.type ? undefined : `expected a ${def.type}, got ${describe(value)}`;
    case 'enum':
      return typeof value === 'string' && def.values.includes(value)
        ? undefined
        : `expected one of ${def.values.join(', ')}, got ${describe(value)}`;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : `expected a list of strings, got ${describe(value)}`;
  }
}

function describe(value: FactValue): string {
  return Array.isArray(value) ? 'a list' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
