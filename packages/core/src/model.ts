/** Cloud providers leakproof knows; `iac` is a planned change (e.g. a Terraform plan) not yet deployed. */
export const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
/** A cloud provider leakproof audits. */
export type Provider = (typeof PROVIDERS)[number];

/**
 * Provider-neutral kinds. An S3 bucket, a GCS bucket and an Azure blob container are all
 * `storage-bucket`; an RDS instance, a Cloud SQL instance and an Azure SQL server are all
 * `database-instance`, so one rule covers every cloud. A `database` is one database inside a server
 * whose settings are per database (Azure SQL transparent data encryption).
 */
export const RESOURCE_KINDS = [
  'storage-bucket',
  'storage-account',
  'database-instance',
  'database',
  'network-firewall',
  'compute-instance',
  'snapshot',
  'account',
] as const;
/** The kinds of resource leakproof judges (`storage-bucket`, `database-instance`, …). */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The value of a known fact. */
export type FactValue = boolean | number | string | string[] | null;

/** A fact that was determined, with the chain of observations that led to it. */
export interface KnownFact {
  value: FactValue;
  /** Short human-readable steps, e.g. `ACL grant to AllUsers: READ`, `bucket BlockPublicAcls=false`. */
  evidence: string[];
}

/**
 * A fact that could not be determined (the API call was denied, failed, or the value is only known
 * after a Terraform apply). It is never treated as false: rules that need it are not evaluated.
 */
export interface UnknownFact {
  unknown: string;
  evidence?: string[];
}

/** A fact of a resource: a value with evidence, or the reason it is unknown. */
export type Fact = KnownFact | UnknownFact;

/** Whether a fact is unknown (rules that read it are not evaluated). */
export function isUnknownFact(fact: Fact): fact is UnknownFact {
  return 'unknown' in fact;
}

/** Where a resource is declared in infrastructure-as-code, when known. Paths are repository-relative. */
export interface SourceLocation {
  file: string;
  line: number;
  /** The IaC address, e.g. `module.storage.aws_s3_bucket.photos`. */
  address?: string;
}

/** A normalized cloud resource: its identity and its facts, whatever provider or plan it came from. */
export interface Resource {
  /** Stable identity: an ARN, a GCP full resource name or an Azure resource ID. */
  id: string;
  kind: ResourceKind;
  provider: Provider;
  /** AWS account id, GCP project id or Azure subscription id. */
  account: string;
  /** Region or location; `global` for account-wide resources. */
  region: string;
  name: string;
  /** Provider-specific type, e.g. `AWS::S3::Bucket`, for display. */
  type?: string;
  tags: Record<string, string>;
  /**
   * Set, with the reason, when the resource's tags or labels could not be read (a failed
   * `GetBucketTagging`, tags known only after apply). Its data classification is then unknown, never
   * `unclassified`: a rule that would raise its severity on PHI cannot be judged below that severity.
   */
  tagsUnknown?: string;
  /**
   * The resources whose data this one holds (a snapshot's database, a copy's snapshot), by id or
   * Terraform address. Its data classification is at least theirs: a snapshot of a PHI database is PHI
   * whatever its own tags say.
   */
  dataFrom?: string[];
  facts: Record<string, Fact>;
  source?: SourceLocation;
  /**
   * The Terraform address of a planned resource, module path and instance key included
   * (`module.billing.azurerm_mssql_server.this`, `aws_s3_bucket.logs["eu"]`). When set, it is the
   * resource's identity in reports and fingerprints: the address is what a reviewer edits, and it stays
   * the same when the cloud name changes in place.
   */
  address?: string;
  /**
   * Where individual facts were declared, when that differs from `source`: e.g. a public ACL set by a
   * separate `aws_s3_bucket_acl` block. Findings decided by such a fact point there.
   */
  factSources?: Record<string, SourceLocation>;
}

/**
 * A resource's identity across runs, used by fingerprints, baselines and logical locations: the IaC
 * address of a planned resource, else its cloud id.
 */
export function resourceKey(resource: Pick<Resource, 'id' | 'address'>): string {
  return resource.address ?? resource.id;
}

/** How reports name a resource to a person: the IaC address of a planned resource, else its cloud name. */
export function resourceLabel(resource: Pick<Resource, 'name' | 'address'>): string {
  return resource.address ?? resource.name;
}

/** Something a collector wants the reader to know: a denied call, a skipped region, a disabled API. */
export interface CollectionNotice {
  level: 'error' | 'warning' | 'note';
  message: string;
  provider?: Provider;
  account?: string;
  region?: string;
  resourceId?: string;
  /** The API call, e.g. `s3:GetBucketPolicy`. */
  call?: string;
  /** The permission that would allow it. */
  permission?: string;
  /** Facts that became unknown because of this notice. */
  facts?: string[];
  /** Nothing could be collected for an account or scope (e.g. invalid credentials): the audit is incomplete. */
  fatal?: boolean;
}

/**
 * A line of the user's repository that live findings are located at: the config entry of an
 * account, project or subscription (`account` set), a provider's section (`provider` only), or a
 * file as a whole (neither). The most specific match wins.
 */
export interface ScopeAnchor {
  provider?: Provider;
  /** AWS account id, GCP project id or Azure subscription id (lower case). */
  account?: string;
  uri: string;
  line: number;
}

/** The severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** How bad a failure of a rule is. */
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/** What a run can be asked to audit: an AWS account or one of its regions, a GCP project, an Azure subscription; `discovery` is the listing of those ("every visible project") when it failed. */
export type ScopeKind = 'account' | 'region' | 'project' | 'subscription' | 'discovery';

/**
 * How far a run got in one scope it was asked to audit. `partial`: some calls failed, so some facts are
 * unknown; `not-audited`: nothing could be collected there (the reasons say why). Anything but
 * `audited` makes the audit incomplete, never a pass.
 */
export interface ScopeStatus {
  provider: Provider;
  kind: ScopeKind;
  /** `account`, or `account/region` for a region. */
  id: string;
  account: string;
  region?: string;
  status: 'audited' | 'partial' | 'not-audited';
  /** Why the scope is not fully audited (empty when it is). */
  reasons: string[];
}
