import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectAws } from '@leakproof/aws';
import { anchorOf, audit, loadPolicies, type Finding, type Resource } from '@leakproof/core';
import { SUPPORTED_TYPES, readTerraformPlan } from '@leakproof/terraform';
import { loadFakeAwsEstate, startFakeAws } from '@leakproof/testkit';
import { repoRoot, runCli, tempDir } from './helpers/cli.js';
import { multitoolProblems, sarifSchemaErrors } from './helpers/sarif-validate.js';

const fixtures = fileURLToPath(new URL('./fixtures/terraform/', import.meta.url));
const cases = ['aws-split', 'aws-account', 'aws-inline-policy', 'modules', 'aws-network', 'aws-snapshots', 'gcp', 'gcp-defaults', 'azure', 'azure-split', 'azure-v3', 'registry-module', 'module-inputs'];
const policies = loadPolicies();
const auditCase = (name: string) => {
  const planned = readTerraformPlan(join(name, 'plan.json'), { cwd: fixtures, sourceRoot: name });
  return { ...planned, result: audit({ resources: planned.resources, notices: planned.notices, policies }) };
};
const grepLine = (file: string, text: string) => readFileSync(join(fixtures, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const outcome = (findings: Finding[], rule: string, resource: string) => findings.find((f) => f.rule.id === rule && f.resource.name === resource);

describe('coverage', () => {
  it('has a fixture for every supported resource type (the equivalence plans included)', () => {
    const types = new Set([...cases, 'equivalence/aws', 'equivalence/gcp', 'equivalence/azure'].flatMap((c) => (JSON.parse(readFileSync(join(fixtures, c, 'plan.json'), 'utf8')) as { resource_changes: Array<{ type: string }> }).resource_changes.map((r) => r.type)));
    expect(SUPPORTED_TYPES.filter((t) => !types.has(t))).toEqual([]);
  });

  it('lists resource types it does not judge in a note, never dropping them silently', () => {
    expect(auditCase('aws-split').notices).toContainEqual({ level: 'note', message: 'the plan has resources of types leakproof does not judge: aws_sqs_queue (1)' });
  });

  it('ignores resources being deleted, and says so', () => {
    const { resources, notices } = auditCase('aws-split');
    expect(resources.some((r) => r.name === 'clinic-legacy-public')).toBe(false);
    expect(notices).toContainEqual({ level: 'note', message: '1 resource(s) being deleted were not judged: aws_s3_bucket.legacy' });
  });
});

describe('split resources join to their parent through configuration references', () => {
  it('a public ACL set by aws_s3_bucket_acl makes its bucket listable, pointing at the ACL block', () => {
    const f = outcome(auditCase('aws-split').result.findings, 'storage-public-list', 'clinic-photos')!;
    expect(f.status).toBe('fail');
    expect(f.status === 'fail' && f.evidence).toContain('ACL grant to AllUsers: READ (lists objects)');
  });

  it('the account-wide Block Public Access in the plan cancels a public bucket policy', () => {
    const f = outcome(auditCase('aws-account').result.findings, 'storage-public-read', 'clinic-site')!;
    expect(f.status).toBe('pass');
    expect(f.resource.facts.publicRead).toMatchObject({ value: false, evidence: expect.arrayContaining(['account RestrictPublicBuckets=true']) });
  });

  it('a policy in the root module joins a bucket inside a module through the module output', () => {
    const { result } = auditCase('modules');
    expect(outcome(result.findings, 'storage-public-read', 'clinic-module-photos')?.status).toBe('fail');
    expect(outcome(result.findings, 'storage-public-write', 'clinic-module-photos')?.status).toBe('fail');
  });

  it('a split resource in a module joins the bucket its caller passes in (bucket = var.bucket_id), pointing at its block', () => {
    const f = outcome(auditCase('module-inputs').result.findings, 'storage-public-read', 'nm-inputs-uploads')!;
    expect(f.status === 'fail' && f.evidence[0]).toBe('bucket policy statement "PublicRead": Allow read to Principal "*" with no condition');
    expect(anchorOf(f)).toMatchObject({ uri: 'test/fixtures/terraform/module-inputs/modules/public-policy/main.tf', line: grepLine('module-inputs/modules/public-policy/main.tf', 'resource "aws_s3_bucket_policy" "this"') });
  });

  it('a split resource that reaches its bucket through a local (bucket = local.exports_id) joins it, read from the locals block', () => {
    expect(outcome(auditCase('module-inputs').result.findings, 'storage-versioning', 'nm-inputs-exports')?.status).toBe('pass');
    expect(outcome(auditCase('module-inputs').result.findings, 'storage-versioning', 'nm-inputs-uploads')?.status).toBe('fail');
  });

  it('a split resource whose bucket reference cannot be followed makes what it sets unknown for every bucket the plan creates, never absent', () => {
    const { result, notices } = auditCase('module-inputs');
    for (const bucket of ['nm-inputs-uploads', 'nm-inputs-exports']) {
      const f = outcome(result.findings, 'storage-access-logging', bucket)!;
      expect(f.status === 'not-evaluated' && f.reasons).toEqual(['accessLogging: aws_s3_bucket_logging.uploads may configure this bucket: its "bucket" is known only after apply and its reference could not be followed']);
    }
    expect(notices).toContainEqual({ level: 'note', message: 'aws_s3_bucket_logging.uploads: could not tell which aws_s3_bucket of this plan it configures: its "bucket" is known only after apply and its reference could not be followed; what it sets is unknown for each bucket it may configure' });
    const scans = outcome(result.findings, 'storage-public-read', 'nm-inputs-scans')!;
    expect(scans.status === 'not-evaluated' && scans.reasons).toEqual(['publicRead: google_storage_bucket_iam_member.scans_public may grant on this bucket: its "bucket" is known only after apply and its reference could not be followed']);
  });

  it('an SQL firewall rule whose server cannot be followed leaves every planned server’s reachability not evaluated, never pass', () => {
    const f = outcome(auditCase('module-inputs').result.findings, 'database-internet-reachable', 'nm-inputs-sql')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['internetReachable: azurerm_mssql_firewall_rule.anyone may configure this resource: its "server_id" is known only after apply and its reference could not be followed']);
  });

  it('an ingress rule open to the internet whose group cannot be followed leaves every planned group not evaluated; a private one changes nothing', () => {
    const { result, notices } = auditCase('module-inputs');
    const f = outcome(result.findings, 'network-database-port-internet', 'nm-inputs-db (aws_security_group.db)')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['internetIngressDatabasePorts: aws_vpc_security_group_ingress_rule.postgres_anywhere may be a rule of this group: its "security_group_id" is known only after apply and its reference could not be followed']);
    expect(notices).toContainEqual({ level: 'note', message: 'aws_vpc_security_group_ingress_rule.postgres_office: could not join to an aws_security_group of this plan through "security_group_id"; not judged' });
  });

  it('a reference with a literal key (aws_s3_bucket.all["a"].id) joins that instance only, not its siblings', () => {
    const { result } = auditCase('module-inputs');
    const at = (address: string) => result.findings.find((f) => f.rule.id === 'storage-public-read' && f.resource.address === address)?.status;
    expect(at('aws_s3_bucket.all["a"]')).toBe('fail');
    expect(at('aws_s3_bucket.all["b"]')).toBe('pass');
  });

  it('an index the plan does not show is evaluated from the sources to name one instance', () => {
    const { result } = auditCase('module-inputs');
    const at = (address: string) => result.findings.find((x) => x.rule.id === 'storage-versioning' && x.resource.address === address)?.status;
    expect([at('aws_s3_bucket.all["a"]'), at('aws_s3_bucket.all["b"]')]).toEqual(['pass', 'fail']);
  });

  it('a split resource whose reference names several instances, none with its key, is unknown on each of them, never applied to all', () => {
    const { result } = auditCase('module-inputs');
    for (const address of ['aws_s3_bucket.all["a"]', 'aws_s3_bucket.all["b"]']) {
      const f = result.findings.find((x) => x.rule.id === 'storage-access-logging' && x.resource.address === address)!;
      expect(f.status === 'not-evaluated' && f.reasons).toEqual(['accessLogging: aws_s3_bucket_logging.unpicked["y"] may configure this bucket: its "bucket" refers to 2 instances (aws_s3_bucket.all["a"], aws_s3_bucket.all["b"]) and the plan does not say which']);
    }
  });

  it('a split resource per module instance (for_each = module.per_team, bucket = each.value.id) joins the bucket of its own instance', () => {
    const { result } = auditCase('module-inputs');
    const at = (address: string) => result.findings.find((x) => x.rule.id === 'storage-versioning' && x.resource.address === address)?.status;
    expect([at('module.per_team["red"].aws_s3_bucket.this'), at('module.per_team["blue"].aws_s3_bucket.this'), at('module.uploads.aws_s3_bucket.this')]).toEqual(['pass', 'pass', 'fail']);
  });

  it('a split resource that names its bucket by the bucket’s own globally unique name joins it', () => {
    const f = outcome(auditCase('module-inputs').result.findings, 'storage-customer-managed-key', 'nm-inputs-exports')!;
    expect(f.status).toBe('pass');
    expect(f.resource.facts.encryptionAtRest).toMatchObject({ value: 'customer-managed' });
  });

  it('separate security group rules join their group, and databases their groups', () => {
    const { result } = auditCase('aws-network');
    expect(outcome(result.findings, 'network-database-port-internet', 'search (aws_security_group.search)')?.status).toBe('fail');
    expect(outcome(result.findings, 'network-database-port-internet', 'cache (aws_security_group.cache)')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-internet-reachable', 'patients-public')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-internet-reachable', 'analytics-private')?.status).toBe('pass');
    expect(outcome(result.findings, 'database-internet-reachable', 'aurora-analytics')?.status).toBe('fail');
  });

  it('a database reads TLS enforcement from the aws_db_parameter_group it refers to', () => {
    const db = auditCase('aws-network').resources.find((r) => r.name === 'patients-public')!;
    expect(db.facts.tlsRequired).toEqual({ value: false, evidence: ['parameter group pg-legacy: rds.force_ssl=0'] });
  });

  it('GCP IAM and ACL resources join their bucket, and public access prevention wins', () => {
    const { result } = auditCase('gcp');
    expect(outcome(result.findings, 'storage-public-read', 'clinic-photos-gcs')?.status).toBe('fail');
    expect(outcome(result.findings, 'storage-public-read', 'clinic-guarded')?.status).toBe('pass');
    expect(outcome(result.findings, 'storage-public-write', 'clinic-legacy-acl')?.status).toBe('fail');
    expect(outcome(result.findings, 'storage-authenticated-users-access', 'clinic-shared')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-internet-reachable', 'patients-sql')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-internet-reachable', 'private-sql')?.status).toBe('pass');
    expect(outcome(result.findings, 'network-database-port-internet', 'allow-postgres')?.status).toBe('fail');
    expect(outcome(result.findings, 'network-all-traffic-internet', 'allow-all-disabled')?.status).toBe('pass');
  });

  it('Azure containers are public only when the account allows it, and SQL firewall rules join their server', () => {
    const { result } = auditCase('azure');
    expect(outcome(result.findings, 'storage-public-list', 'photos')?.status).toBe('fail');
    expect(outcome(result.findings, 'storage-public-list', 'scans')?.status).toBe('pass');
    expect(outcome(result.findings, 'database-internet-reachable', 'clinic-sql')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-open-to-cloud-tenants', 'clinic-sql')?.status).toBe('fail');
    expect(outcome(result.findings, 'database-audit-logging', 'clinic-sql')?.status).toBe('pass');
    expect(outcome(result.findings, 'network-database-port-internet', 'db-nsg')?.status).toBe('fail');
    expect(outcome(result.findings, 'network-database-port-internet', 'app-nsg')?.status).toBe('fail');
    expect(outcome(result.findings, 'sql-database-encryption-at-rest', 'clinic-sql/records')?.status).toBe('pass');
    const billing = outcome(result.findings, 'sql-database-encryption-at-rest', 'clinic-sql/billing');
    expect(billing?.status).toBe('fail');
    expect(billing?.resource.source).toMatchObject({ file: 'test/fixtures/terraform/azure/main.tf', line: grepLine('azure/main.tf', 'resource "azurerm_mssql_database" "billing"') });
  });
});

describe("azurerm v3's older SQL resources are judged as the newer ones", () => {
  const { result, notices } = auditCase('azure-v3');

  it('an azurerm_sql_server open through an azurerm_sql_firewall_rule is reachable, pointing at the rule, at critical on PHI', () => {
    const reachable = outcome(result.findings, 'database-internet-reachable', 'clinic-legacy-sql')!;
    expect(reachable).toMatchObject({ status: 'fail', severity: 'critical', classification: 'phi' });
    expect(anchorOf(reachable)).toMatchObject({ line: grepLine('azure-v3/main.tf', 'resource "azurerm_sql_firewall_rule" "everyone"') });
    expect(outcome(result.findings, 'database-audit-logging', 'clinic-legacy-sql')?.status).toBe('fail');
  });

  it('reads the inline extended_auditing_policy, public network access, and a newer firewall rule joined to the older server', () => {
    expect(outcome(result.findings, 'database-audit-logging', 'clinic-audited-sql')?.status).toBe('pass');
    expect(outcome(result.findings, 'database-internet-reachable', 'clinic-audited-sql')?.status).toBe('pass');
    // "Allow Azure services" is joined (its rule is read), but public network access is off.
    expect(outcome(result.findings, 'database-open-to-cloud-tenants', 'clinic-audited-sql')?.status).toBe('pass');
    expect(notices.filter((n) => n.message.includes('could not join'))).toEqual([]);
  });

  it('an azurerm_sql_database joins its server by name and has the encryption Azure gives every new database', () => {
    expect(outcome(result.findings, 'sql-database-encryption-at-rest', 'clinic-legacy-sql/charts')).toMatchObject({ status: 'pass', resource: { address: 'azurerm_sql_database.charts' } });
  });
});

describe('snapshots, instances and Object Lock are judged as live', () => {
  const verdict = (rule: string, address: string) => {
    const f = auditCase('aws-snapshots').result.findings.find((x) => x.rule.id === rule && x.resource.address === address);
    return f?.status;
  };
  it.each([
    ['snapshot-public', 'aws_db_snapshot.export', 'fail'],
    ['snapshot-encrypted', 'aws_db_snapshot.export', 'fail'],
    ['snapshot-public', 'aws_db_snapshot_copy.dr', 'pass'],
    ['snapshot-encrypted', 'aws_db_snapshot_copy.dr', 'pass'],
    ['snapshot-public', 'aws_db_cluster_snapshot.monthly', 'fail'],
    ['snapshot-encrypted', 'aws_db_cluster_snapshot.monthly', 'pass'],
    ['snapshot-public', 'aws_rds_cluster_snapshot_copy.archive', 'pass'],
    ['snapshot-encrypted', 'aws_rds_cluster_snapshot_copy.archive', 'pass'],
    ['snapshot-public', 'aws_ebs_snapshot.scans', 'pass'],
    ['snapshot-encrypted', 'aws_ebs_snapshot.scans', 'fail'],
    ['snapshot-encrypted', 'aws_ebs_snapshot_copy.offsite', 'pass'],
    ['account-disk-default-encryption', 'aws_ebs_encryption_by_default.this', 'fail'],
    ['compute-database-port-internet', 'aws_instance.pacs', 'fail'],
    ['compute-database-port-internet', 'aws_instance.worker', 'not-evaluated'],
    ['compute-database-port-internet', 'aws_instance.viewer', 'pass'],
    ['network-database-port-internet', 'aws_security_group.internal', 'pass'],
    ['database-tls-required', 'aws_rds_cluster.records', 'pass'],
    ['storage-versioning', 'aws_s3_bucket.records', 'pass'],
    ['storage-public-list', 'aws_s3_bucket.exports["eu"]', 'fail'],
    ['storage-public-list', 'aws_s3_bucket.exports["us"]', 'pass'],
    ['storage-tls-enforced', 'aws_s3_bucket.records', 'fail'],
  ])('%s on %s: %s', (rule, address, status) => {
    expect(verdict(rule, address)).toBe(status);
  });

  it('a snapshot takes its encryption from the database it is taken from, saying so', () => {
    const snap = auditCase('aws-snapshots').resources.find((r) => r.address === 'aws_db_snapshot.export')!;
    expect(snap.facts.encrypted).toEqual({ value: false, evidence: ['taken from aws_db_instance.patients, storage_encrypted=false'] });
    expect(snap.facts.public).toEqual({ value: true, evidence: ['DBSnapshotAttributes restore: [all] (restorable by every AWS account)'] });
  });

  it('an unset computed attribute is the provider default, not unknown: no policy means no policy', () => {
    const bucket = auditCase('aws-snapshots').resources.find((r) => r.address === 'aws_s3_bucket.records')!;
    expect(bucket.facts.publicRead).toMatchObject({ value: false });
    expect(bucket.facts.objectLock).toEqual({ value: true, evidence: ['object lock: Enabled (COMPLIANCE 2190 days)'] });
  });

  it('prefix lists and referenced security groups are not the internet', () => {
    const group = auditCase('aws-snapshots').resources.find((r) => r.address === 'aws_security_group.internal')!;
    expect(group.facts.internetIngressPorts).toMatchObject({ value: [] });
  });

  it('a for_each split resource joins the bucket instance with the same key', () => {
    const f = auditCase('aws-snapshots').result.findings.find((x) => x.rule.id === 'storage-public-list' && x.resource.address === 'aws_s3_bucket.exports["eu"]')!;
    expect(f.status === 'fail' && anchorOf(f)).toEqual({ uri: 'test/fixtures/terraform/aws-snapshots/main.tf', line: grepLine('aws-snapshots/main.tf', 'resource "aws_s3_bucket_acl" "exports"') });
  });
});

describe('Azure split resources and GCP defaults are judged as live', () => {
  const verdictIn = (name: string) => (rule: string, address: string) => auditCase(name).result.findings.find((x) => x.rule.id === rule && x.resource.address === address);
  it.each([
    ['azure-split', 'storage-account-network-open', 'azurerm_storage_account.records', 'pass'],
    ['azure-split', 'storage-public-read', 'azurerm_storage_container.records', 'pass'],
    ['azure-split', 'storage-customer-managed-key', 'azurerm_storage_container.records', 'pass'],
    ['azure-split', 'storage-account-network-open', 'azurerm_storage_account.exports', 'fail'],
    ['azure-split', 'storage-public-list', 'azurerm_storage_container.exports', 'fail'],
    ['azure-split', 'storage-account-minimum-tls', 'azurerm_storage_account.exports', 'fail'],
    ['azure-split', 'database-tls-required', 'azurerm_mssql_server.legacy', 'fail'],
    ['azure-split', 'database-internet-reachable', 'azurerm_mssql_server.legacy', 'pass'],
    ['azure-split', 'network-database-port-internet', 'azurerm_network_security_group.web', 'fail'],
    ['gcp-defaults', 'network-database-port-internet', 'google_compute_firewall.postgres_any', 'fail'],
    ['gcp-defaults', 'network-database-port-internet', 'google_compute_firewall.postgres_bastion', 'pass'],
    ['gcp-defaults', 'storage-public-read', 'google_storage_bucket.uploads', 'fail'],
    ['gcp-defaults', 'database-tls-required', 'google_sql_database_instance.reports', 'fail'],
    ['gcp-defaults', 'database-internet-reachable', 'google_sql_database_instance.reports', 'pass'],
    ['gcp-defaults', 'storage-public-read', 'google_storage_bucket.archive', 'fail'],
    ['gcp-defaults', 'storage-public-list', 'google_storage_bucket.archive', 'pass'],
    ['gcp-defaults', 'storage-public-list', 'google_storage_bucket.exports', 'fail'],
    ['gcp-defaults', 'storage-public-read', 'google_storage_bucket.exports', 'fail'],
  ])('%s: %s on %s is %s', (name, rule, address, status) => {
    expect(verdictIn(name)(rule, address)?.status).toBe(status);
  });

  it('an NSG finding points at the rule that wins on priority, not the first open one', () => {
    const f = verdictIn('azure-split')('network-database-port-internet', 'azurerm_network_security_group.web')!;
    expect(f.status === 'fail' && anchorOf(f)).toEqual({ uri: 'test/fixtures/terraform/azure-split/main.tf', line: grepLine('azure-split/main.tf', 'resource "azurerm_network_security_rule" "allow_pg"') });
    // allow-sql (priority 200) is shadowed by deny-sql (priority 100), as in Azure.
    expect(f.status === 'fail' && f.evidence.join('\n')).not.toContain('allow-sql');
  });

  it('a storage network finding points at azurerm_storage_account_network_rules', () => {
    const f = verdictIn('azure-split')('storage-account-network-open', 'azurerm_storage_account.exports')!;
    expect(f.status === 'fail' && anchorOf(f).line).toBe(grepLine('azure-split/main.tf', 'resource "azurerm_storage_account_network_rules" "exports"'));
  });

  it('a default object ACL finding points at the default object ACL resource, a bucket ACL one at the bucket ACL', () => {
    const read = verdictIn('gcp-defaults')('storage-public-read', 'google_storage_bucket.archive')!;
    expect(read.status === 'fail' && anchorOf(read).line).toBe(grepLine('gcp-defaults/main.tf', 'resource "google_storage_default_object_acl" "archive"'));
    const list = verdictIn('gcp-defaults')('storage-public-list', 'google_storage_bucket.exports')!;
    expect(list.status === 'fail' && anchorOf(list).line).toBe(grepLine('gcp-defaults/main.tf', 'resource "google_storage_bucket_access_control" "exports_listing"'));
  });

  it('an SQL server with minimum_tls_version = "Disabled" has no minimum', () => {
    const server = auditCase('azure-split').resources.find((r) => r.address === 'azurerm_mssql_server.legacy')!;
    expect(server.facts.tlsRequired).toEqual({ value: false, evidence: ['minimalTlsVersion=None'] });
    expect(server.facts.encryptionAtRest).toMatchObject({ value: 'customer-managed' });
  });
});

describe('findings are named by their Terraform address', () => {
  const modulesArgs = ['audit', '--terraform-plan', 'modules/plan.json', '--source-root', 'modules', '--fail-on', 'none'];

  it('SARIF logical locations carry the address, module path included, and the message the cloud name', async () => {
    const sarif = JSON.parse((await runCli([...modulesArgs, '--format', 'sarif'], { cwd: fixtures })).stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'storage-public-read');
    expect(result.locations[0].logicalLocations).toEqual([{ fullyQualifiedName: 'module.storage.aws_s3_bucket.this', name: 'clinic-module-photos', kind: 'resource' }]);
    expect(result.message.text).toContain('clinic-module-photos');
  });

  it('the console and the Markdown report name the address', async () => {
    const text = (await runCli([...modulesArgs, '--format', 'console'], { cwd: fixtures })).stdout;
    expect(text).toContain('module.storage.aws_s3_bucket.this');
    const md = (await runCli([...modulesArgs, '--format', 'markdown'], { cwd: fixtures })).stdout;
    expect(md).toContain('module.storage.aws_s3_bucket.this');
    expect(md).toContain('clinic-module-photos');
  });

  it('keeps the address when the module sources are missing, so only the location falls back', () => {
    const planned = readTerraformPlan(join('modules', 'plan.json'), { cwd: fixtures, sourceRoot: 'nowhere' });
    const bucket = planned.resources.find((r) => r.name === 'clinic-module-photos')!;
    expect(bucket.address).toBe('module.storage.aws_s3_bucket.this');
    expect(bucket.source).toBeUndefined();
  });

  it('renaming a bucket in place is an updated finding against the baseline, not a new one', async () => {
    const dir = tempDir();
    const before = await runCli([...modulesArgs, '--format', 'sarif', '-o', join(dir, 'before.sarif')], { cwd: fixtures });
    expect(before.code).toBe(0);
    const plan = readFileSync(join(fixtures, 'modules', 'plan.json'), 'utf8').replaceAll('clinic-module-photos', 'clinic-module-photos-v2');
    writeFileSync(join(dir, 'renamed.json'), plan);
    const after = await runCli(['audit', '--terraform-plan', join(dir, 'renamed.json'), '--source-root', 'modules', '--fail-on', 'none', '--baseline', join(dir, 'before.sarif'), '--format', 'sarif'], { cwd: fixtures });
    const results = JSON.parse(after.stdout).runs[0].results as Array<{ ruleId: string; baselineState: string; message: { text: string } }>;
    const read = results.find((x) => x.ruleId === 'storage-public-read')!;
    expect(read.message.text).toContain('clinic-module-photos-v2');
    expect(read.baselineState).toBe('updated');
    expect(results.some((x) => x.baselineState === 'new')).toBe(false);
  });
});

describe('locations are relative to the repository root', () => {
  it('whatever the working directory, the SARIF path starts at the git top level', async () => {
    const r = await runCli(['audit', '--terraform-plan', join(fixtures, 'aws-split', 'plan.json'), '--source-root', join(fixtures, 'aws-split'), '--format', 'sarif', '--fail-on', 'none'], { cwd: join(repoRoot, 'packages') });
    const uris = new Set(JSON.parse(r.stdout).runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri));
    expect([...uris].filter((u) => !String(u).startsWith('policies/')).sort()).toEqual(['test/fixtures/terraform/aws-split/main.tf']);
  });

  it('never points at ../: a resource of a local module outside the repository points at its module call, with a note', () => {
    const outer = tempDir();
    cpSync(join(fixtures, 'modules'), join(outer, 'repo'), { recursive: true });
    mkdirSync(join(outer, 'repo', '.git'));
    // The module now lives beside the repository, not in it.
    cpSync(join(outer, 'repo', 'modules'), join(outer, 'shared-modules'), { recursive: true });
    rmSync(join(outer, 'repo', 'modules'), { recursive: true });
    const plan = readFileSync(join(outer, 'repo', 'plan.json'), 'utf8').replaceAll('./modules/storage', '../shared-modules/storage');
    writeFileSync(join(outer, 'repo', 'plan.json'), plan);
    const planned = readTerraformPlan('plan.json', { cwd: join(outer, 'repo') });
    const sources = planned.resources.flatMap((r) => [r.source, ...Object.values(r.factSources ?? {})]).filter((s) => s !== undefined);
    expect(sources.map((s) => s.file)).toEqual(sources.map(() => 'main.tf'));
    const bucket = planned.resources.find((r) => r.name === 'clinic-module-photos')!;
    expect(bucket.source).toEqual({ file: 'main.tf', line: 1, address: bucket.address });
    expect(planned.notices.some((n) => n.message.startsWith('.tf files outside the repository root'))).toBe(true);
  });

  it('a resource of a registry module points at the module block that calls it, keeping its address', () => {
    const outer = tempDir();
    cpSync(join(fixtures, 'modules'), outer, { recursive: true });
    rmSync(join(outer, 'modules'), { recursive: true });
    writeFileSync(join(outer, 'plan.json'), readFileSync(join(outer, 'plan.json'), 'utf8').replaceAll('"./modules/storage"', '"terraform-aws-modules/s3-bucket/aws"'));
    mkdirSync(join(outer, '.git'));
    const planned = readTerraformPlan('plan.json', { cwd: outer });
    const result = audit({ resources: planned.resources, notices: planned.notices, policies });
    const f = outcome(result.findings, 'storage-public-read', 'clinic-module-photos')!;
    expect(f.status).toBe('fail');
    expect(f.resource.address).toBe('module.storage.aws_s3_bucket.this');
    // The policy that decides it is a root resource; a fact the module's own block decides points at the call.
    expect(anchorOf(f)).toEqual({ uri: 'main.tf', line: 6 });
    const versioning = outcome(result.findings, 'storage-versioning', 'clinic-module-photos')!;
    expect(anchorOf(versioning)).toEqual({ uri: 'main.tf', line: 1 });
  });
});

describe('values known only after apply', () => {
  it('make the facts that depend on them unknown, so the rules are not evaluated, saying why', () => {
    const f = outcome(auditCase('aws-inline-policy').result.findings, 'storage-public-read', 'clinic-inline-shared')!;
    expect(f.status).toBe('not-evaluated');
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(["publicRead: aws_s3_bucket_policy.shared.policy: statement 1's Principal is known only after apply"]);
    const db = outcome(auditCase('aws-network').result.findings, 'database-publicly-accessible', 'pending')!;
    expect(db.status === 'not-evaluated' && db.reasons).toEqual(['publiclyAccessible: aws_db_instance.pending.publicly_accessible is known only after apply']);
  });

  it.each([
    ['jsonencode interpolating the new bucket’s ARN', 'aws-split', 'clinic-reports', 'reports'],
    ['jsonencode over several lines, with comments', 'aws-inline-policy', 'clinic-inline-photos', 'photos'],
    ['a heredoc of JSON text interpolating the ARN', 'aws-inline-policy', 'clinic-inline-invoices', 'invoices'],
  ])('an inline policy whose text waits only for the bucket’s own ARN is judged from its .tf block: %s', (_how, fixture, bucket, block) => {
    const f = outcome(auditCase(fixture).result.findings, 'storage-public-read', bucket)!;
    expect(f.status === 'fail' && f.evidence[0]).toMatch(/^bucket policy statement/);
    expect(anchorOf(f)).toMatchObject({ uri: `test/fixtures/terraform/${fixture}/main.tf`, line: grepLine(`${fixture}/main.tf`, `resource "aws_s3_bucket_policy" "${block}"`) });
  });

  it('an inline policy that denies plain HTTP and grants one role enforces TLS and is not public', () => {
    const findings = auditCase('aws-inline-policy').result.findings;
    expect(outcome(findings, 'storage-public-read', 'clinic-inline-records')?.status).toBe('pass');
    expect(outcome(findings, 'storage-tls-enforced', 'clinic-inline-records')?.status).toBe('pass');
  });

  it('without the .tf sources, an inline policy known only after apply stays not evaluated', () => {
    const planned = readTerraformPlan(join('aws-inline-policy', 'plan.json'), { cwd: fixtures, sourceRoot: 'missing-sources' });
    const f = outcome(audit({ resources: planned.resources, notices: planned.notices, policies }).findings, 'storage-public-read', 'clinic-inline-photos')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['publicRead: aws_s3_bucket_policy.photos.policy is known only after apply']);
  });

  it('a policy document read at apply only for its resources still says who it allows', () => {
    const findings = auditCase('aws-split').result.findings;
    const f = outcome(findings, 'storage-public-read', 'clinic-uploads')!;
    expect(f.status).toBe('fail');
    expect(anchorOf(f).line).toBe(grepLine('aws-split/main.tf', 'resource "aws_s3_bucket_policy" "uploads"'));
  });

  it('a google_iam_policy read at apply still shows its allUsers binding; a binding whose only member waits is not evaluated', () => {
    const findings = auditCase('gcp').result.findings;
    expect(outcome(findings, 'storage-public-read', 'clinic-records-gcs')?.status).toBe('fail');
    const staging = outcome(findings, 'storage-public-read', 'clinic-staging-gcs')!;
    expect(staging.status === 'not-evaluated' && staging.reasons).toEqual(['publicRead: google_storage_bucket_iam_binding.staging.members is known only after apply']);
  });

  it('a policy document whose condition waits for apply leaves the bucket not evaluated, naming the statement', () => {
    const f = outcome(auditCase('aws-split').result.findings, 'storage-public-read', 'clinic-scans')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['publicRead: data.aws_iam_policy_document.scans_vpce.statement[0].condition is known only after apply']);
  });
});

describe('registry modules are evaluated from the sources terraform init installed', () => {
  /** The registry-module fixture in a temporary directory, its plan changed by `edit`, with or without its installed modules. */
  const variant = (edit: (plan: string) => string, installed = true) => {
    const dir = join(tempDir(), 'registry-module');
    cpSync(join(fixtures, 'registry-module'), dir, { recursive: true });
    if (!installed) rmSync(join(dir, '.terraform'), { recursive: true });
    writeFileSync(join(dir, 'plan.json'), edit(readFileSync(join(dir, 'plan.json'), 'utf8')));
    const planned = readTerraformPlan(join(dir, 'plan.json'), { cwd: dir, sourceRoot: '.' });
    return { notices: planned.notices, findings: audit({ resources: planned.resources, notices: planned.notices, policies }).findings };
  };

  it('a public policy passed to the module and merged by compact() over documents read at apply fails, at the module call', () => {
    const findings = auditCase('registry-module').result.findings;
    const f = outcome(findings, 'storage-public-read', 'nm-registry-photos')!;
    expect(f.status === 'fail' && f.evidence[0]).toBe('bucket policy statement #2: Allow read to Principal "*" with no condition');
    expect(f.resource.address).toBe('module.photos.aws_s3_bucket.this[0]');
    expect(anchorOf(f)).toMatchObject({ uri: 'test/fixtures/terraform/registry-module/main.tf', line: grepLine('registry-module/main.tf', 'module "photos"') });
    expect(outcome(findings, 'storage-tls-enforced', 'nm-registry-photos')?.status).toBe('pass');
  });

  it('a document with placeholders that replace() fills with the new bucket’s ARN enforces TLS and is not public', () => {
    const findings = auditCase('registry-module').result.findings;
    expect(outcome(findings, 'storage-tls-enforced', 'nm-registry-records')?.status).toBe('pass');
    expect(outcome(findings, 'storage-public-read', 'nm-registry-records')?.status).toBe('pass');
  });

  it('the module call’s inputs decide: without attach_policy the same module attaches no public statement', () => {
    const { findings } = variant((plan) => plan.replace(/("attach_policy": \{\s*"constant_value": )true/, '$1false'));
    expect(outcome(findings, 'storage-public-read', 'nm-registry-photos')?.status).toBe('pass');
    expect(outcome(findings, 'storage-tls-enforced', 'nm-registry-photos')?.status).toBe('pass');
  });

  it('module instances of for_each join their own split resources, and each.value decides what each attaches', () => {
    const { result, notices } = auditCase('registry-module');
    const at = (rule: string, address: string) => result.findings.find((f) => f.rule.id === rule && f.resource.address === address);
    expect(at('storage-public-read', 'module.archives["eu"].aws_s3_bucket.this[0]')?.status).toBe('fail');
    expect(at('storage-public-read', 'module.archives["us"].aws_s3_bucket.this[0]')?.status).toBe('pass');
    expect(at('storage-tls-enforced', 'module.archives["us"].aws_s3_bucket.this[0]')?.status).toBe('pass');
    expect(anchorOf(at('storage-public-read', 'module.archives["eu"].aws_s3_bucket.this[0]')!).line).toBe(grepLine('registry-module/main.tf', 'module "archives"'));
    expect(notices.filter((n) => n.message.includes('could not join'))).toEqual([]);
  });

  it('rules of a security-group module reach their group through a local that splats over it (terraform-aws-modules style)', () => {
    const { result } = auditCase('registry-module');
    const f = result.findings.find((x) => x.rule.id === 'network-database-port-internet' && x.resource.address === 'module.db_sg.aws_security_group.this[0]')!;
    expect(f.status === 'fail' && f.evidence).toEqual(['security group module.db_sg.aws_security_group.this[0] (nm-registry-db) allows tcp 5432 from 0.0.0.0/0']);
    expect(anchorOf(f).line).toBe(grepLine('registry-module/main.tf', 'module "db_sg"'));
  });

  it('locals that refer to each other many times over are evaluated once each, and a value too large to walk is unknown, never a hang', () => {
    const dir = tempDir();
    const locals = Array.from({ length: 40 }, (_, i) => `  l${String(i)} = [local.l${String(i + 1)}, local.l${String(i + 1)}]`).join('\n');
    writeFileSync(
      join(dir, 'main.tf'),
      `locals {\n${locals}\n  l40 = "s3:GetObject"\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "nm-locals"\n}\n\nresource "aws_s3_bucket_public_access_block" "b" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = false\n  ignore_public_acls      = false\n  block_public_policy     = false\n  restrict_public_buckets = false\n}\n\nresource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = flatten(local.l0)[0], Resource = "\${aws_s3_bucket.b.arn}/*" }] })\n}\n`,
    );
    const ref = { references: ['aws_s3_bucket.b.id', 'aws_s3_bucket.b'] };
    const change = (type: string, after: object, unknown: object) => ({ address: `${type}.b`, mode: 'managed', type, name: 'b', change: { actions: ['create'], before: null, after, after_unknown: unknown } });
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({
        format_version: '1.2',
        planned_values: { root_module: {} },
        resource_changes: [
          change('aws_s3_bucket', { bucket: 'nm-locals', tags: {}, tags_all: {} }, { arn: true, id: true }),
          change('aws_s3_bucket_public_access_block', { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false }, { bucket: true, id: true }),
          change('aws_s3_bucket_policy', {}, { bucket: true, id: true, policy: true }),
        ],
        configuration: {
          root_module: {
            resources: [
              { address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', expressions: { bucket: { constant_value: 'nm-locals' } } },
              { address: 'aws_s3_bucket_public_access_block.b', mode: 'managed', type: 'aws_s3_bucket_public_access_block', name: 'b', expressions: { bucket: ref } },
              { address: 'aws_s3_bucket_policy.b', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'b', expressions: { bucket: ref, policy: { references: ['local.l0', 'aws_s3_bucket.b.arn', 'aws_s3_bucket.b'] } } },
            ],
          },
        },
      }),
    );
    const planned = readTerraformPlan(join(dir, 'plan.json'), { cwd: dir, sourceRoot: '.' });
    const f = outcome(audit({ resources: planned.resources, notices: planned.notices, policies }).findings, 'storage-public-read', 'nm-locals')!;
    // local.l0 would hold 2^40 strings: Terraform itself could not build it.
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(["publicRead: aws_s3_bucket_policy.b.policy: statement 1's Action is known only after apply"]);
  });

  it('a placeholder left in a statement’s Principal leaves the policy not evaluated, naming the statement', () => {
    const { findings } = variant((plan) => plan.replaceAll('\\"Principal\\": \\"*\\"', '\\"Principal\\": {\\"AWS\\": \\"_BUCKET_ARN_\\"}'));
    const f = outcome(findings, 'storage-tls-enforced', 'nm-registry-records')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(["tlsEnforced: module.records.aws_s3_bucket_policy.this[0].policy: statement 1's Principal is known only after apply"]);
  });

  it('without the installed sources the policy stays not evaluated, and a note says to run terraform init', () => {
    const { findings, notices } = variant((plan) => plan, false);
    expect(outcome(findings, 'storage-public-read', 'nm-registry-photos')?.status).toBe('not-evaluated');
    expect(outcome(findings, 'storage-tls-enforced', 'nm-registry-records')?.status).toBe('not-evaluated');
    expect(findings.find((x) => x.rule.id === 'network-database-port-internet' && x.resource.address === 'module.db_sg.aws_security_group.this[0]')?.status).toBe('not-evaluated');
    expect(notices).toContainEqual({
      level: 'note',
      message: 'the sources of module.archives, module.db_sg, module.photos, module.records are not installed under . (run "terraform init" there, or set TF_DATA_DIR): values their modules know only after apply stay unknown',
    });
  });
});

describe('data classification from planned tags', () => {
  const bucketChange = (name: string, after: Record<string, unknown>, afterUnknown: Record<string, unknown>) => ({
    address: `aws_s3_bucket.${name}`,
    mode: 'managed',
    type: 'aws_s3_bucket',
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions: ['create'], before: null, after: { bucket: `clinic-${name}`, force_destroy: false, ...after }, after_unknown: { arn: true, id: true, ...afterUnknown } },
  });
  const plan = (...changes: unknown[]) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format_version: '1.2', terraform_version: '1.9.5', resource_changes: changes }));
    const planned = readTerraformPlan('plan.json', { cwd: dir });
    return audit({ resources: planned.resources, notices: planned.notices, policies });
  };

  it("reads the provider's default tags from tags_all, as the live audit sees them", () => {
    const result = plan(bucketChange('scans', { tags: null, tags_all: { 'data-classification': 'phi' } }, {}));
    expect(result.findings.find((f) => f.rule.id === 'storage-versioning')).toMatchObject({ status: 'fail', severity: 'high', classification: 'phi' });
  });

  it('leaves the classification unknown when tags are known only after apply, naming the attribute', () => {
    const result = plan(bucketChange('scans', { tags: { owner: null } }, { tags: { owner: true }, tags_all: true }));
    expect(result.resources[0]!.facts.dataClassification).toEqual({ unknown: 'tags could not be read: aws_s3_bucket.scans.tags_all is known only after apply' });
    expect(result.findings.find((f) => f.rule.id === 'storage-versioning')).toMatchObject({ status: 'fail', severity: 'low', potentialSeverity: 'high' });
  });

  it('a snapshot holds the data of the database it is taken from, and is classified by it', () => {
    const change = (type: string, name: string, after: Record<string, unknown>) => ({ address: `${type}.${name}`, mode: 'managed', type, name, provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: ['create'], before: null, after, after_unknown: { arn: true, id: true } } });
    const dir = tempDir();
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({
        format_version: '1.2',
        terraform_version: '1.9.5',
        resource_changes: [
          change('aws_db_instance', 'patients', { identifier: 'patients', engine: 'postgres', publicly_accessible: false, storage_encrypted: true, tags: { hipaa: 'true' }, tags_all: { hipaa: 'true' } }),
          change('aws_db_snapshot', 'export', { db_instance_identifier: 'patients', db_snapshot_identifier: 'patients-export', shared_accounts: ['all'], tags: null, tags_all: {} }),
        ],
        configuration: {
          root_module: {
            resources: [
              { address: 'aws_db_instance.patients', mode: 'managed', type: 'aws_db_instance', name: 'patients', expressions: { identifier: { constant_value: 'patients' } } },
              { address: 'aws_db_snapshot.export', mode: 'managed', type: 'aws_db_snapshot', name: 'export', expressions: { db_instance_identifier: { references: ['aws_db_instance.patients.identifier', 'aws_db_instance.patients'] } } },
            ],
          },
        },
      }),
    );
    const planned = readTerraformPlan('plan.json', { cwd: dir });
    const result = audit({ resources: planned.resources, notices: planned.notices, policies });
    const exported = result.findings.find((f) => f.rule.id === 'snapshot-public' && f.resource.address === 'aws_db_snapshot.export');
    expect(exported).toMatchObject({ status: 'fail', severity: 'critical', classification: 'phi', resource: { dataFrom: ['aws_db_instance.patients'] } });
  });

  it('a computed default for unset tags is no tags, not unknown', () => {
    const result = plan(bucketChange('scans', { tags: null }, { tags_all: {} }));
    expect(result.resources[0]!.facts.dataClassification).toMatchObject({ value: 'unclassified' });
  });
});

describe('source locations', () => {
  it.each([
    ['aws-split', 'storage-public-list', 'clinic-photos', 'aws-split/main.tf', 23],
    ['aws-split', 'storage-public-read', 'clinic-invoices-policy', 'aws-split/main.tf', 48],
    ['modules', 'storage-public-read', 'clinic-module-photos', 'modules/main.tf', 6],
    ['modules', 'storage-public-write', 'clinic-module-photos', 'modules/modules/storage/main.tf', 20],
    ['aws-network', 'network-database-port-internet', 'search (aws_security_group.search)', 'aws-network/main.tf', 21],
    ['aws-network', 'network-database-port-internet', 'cache (aws_security_group.cache)', 'aws-network/main.tf', 34],
    ['aws-network', 'database-internet-reachable', 'patients-public', 'aws-network/main.tf', 52],
    ['aws-network', 'network-database-port-internet', 'default (aws_default_security_group.this)', 'aws-network/main.tf', 91],
    ['gcp', 'storage-public-read', 'clinic-photos-gcs', 'gcp/main.tf', 7],
    ['azure', 'database-internet-reachable', 'clinic-sql', 'azure/main.tf', 28],
    ['azure', 'network-database-port-internet', 'app-nsg', 'azure/main.tf', 61],
  ])('%s: %s on %s points at %s:%i', async (name, rule, resource, file, line) => {
    const r = await runCli(['audit', '--terraform-plan', join(fixtures, name, 'plan.json'), '--source-root', join(fixtures, name), '--format', 'sarif', '--fail-on', 'none'], { cwd: fixtures });
    expect(r.code).toBe(0);
    const sarif = JSON.parse(r.stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string; locations: Array<{ logicalLocations: Array<{ name: string }> }> }) => x.ruleId === rule && x.locations[0]!.logicalLocations[0]!.name === resource);
    // Relative to the repository's git top level, not to the working directory.
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: `test/fixtures/terraform/${file}` }, region: { startLine: line } });
  });

  it('writes SARIF that passes both validators', async () => {
    const r = await runCli(['audit', '--terraform-plan', 'aws-split/plan.json', '--source-root', 'aws-split', '--format', 'sarif', '--fail-on', 'none'], { cwd: fixtures });
    const sarif = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(await multitoolProblems(sarif)).toEqual([]);
  });

  it('falls back to rule anchoring when no .tf source is found', () => {
    const planned = readTerraformPlan(join('aws-split', 'plan.json'), { cwd: fixtures, sourceRoot: 'nowhere' });
    const result = audit({ resources: planned.resources, policies });
    const f = outcome(result.findings, 'storage-public-read', 'clinic-invoices-policy')!;
    expect(f.resource.source).toBeUndefined();
  });
});

describe('the same misconfiguration as a plan and as a live estate', () => {
  let live: Resource[];
  beforeAll(async () => {
    const server = await startFakeAws(loadFakeAwsEstate(fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url))));
    try {
      live = (await collectAws({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, env: { AWS_ENDPOINT_URL: server.endpoint }, regions: ['eu-west-1'] })).resources;
    } finally {
      await server.close();
    }
  });
  const verdicts = (resources: Resource[], name: string, kind: Resource['kind']) =>
    audit({ resources: resources.filter((r) => r.name === name && r.kind === kind), policies })
      .findings.map((f) => `${f.rule.id}=${f.status}`)
      .sort();

  it('gives the same rule ids and verdicts for a bucket with a public policy', () => {
    expect(verdicts(auditCase('aws-split').resources, 'clinic-invoices-policy', 'storage-bucket')).toEqual(verdicts(live, 'clinic-invoices-policy', 'storage-bucket'));
  });

  it('gives the same rule ids and verdicts for a security group open on 5432', () => {
    const plan = auditCase('aws-network').resources.find((r) => r.name.startsWith('db-public'))!;
    const liveGroup = live.find((r) => r.name.startsWith('db-public'))!;
    const v = (r: Resource) => audit({ resources: [r], policies }).findings.map((f) => `${f.rule.id}=${f.status}`).sort();
    expect(v(plan)).toEqual(v(liveGroup));
  });

  it('gives the same rule ids and verdicts for a public database behind that group', () => {
    expect(verdicts(auditCase('aws-network').resources, 'patients-public', 'database-instance')).toEqual(verdicts(live, 'patients-public', 'database-instance'));
  });
});

describe('bad plan files exit 2 with one line', () => {
  it.each([
    ['state.json', 'leakproof: bad/state.json#/resource_changes: not a Terraform plan (this looks like state, from "terraform show -json" without a plan file)'],
    ['future-format.json', 'leakproof: bad/future-format.json#/format_version: plan format "2.0" is not supported (this release reads 1.x)'],
    ['truncated.json', 'leakproof: bad/truncated.json:5:1: the plan JSON is truncated'],
    ['not-a-plan.json', 'leakproof: bad/not-a-plan.json#/format_version: not a Terraform plan (no "format_version"; use "terraform show -json plan.out")'],
    ['no-change.json', 'leakproof: bad/no-change.json#/resource_changes/0/change: expected an object with the planned actions and values (use the unedited output of "terraform show -json plan.out")'],
    [
      'wrong-type.json',
      'leakproof: bad/wrong-type.json#/resource_changes/0/change/after/ingress: expected a list for aws_security_group.db.ingress, found string "0.0.0.0/0:5432" (the plan does not match the aws provider\'s schema; use the unedited output of "terraform show -json")',
    ],
  ])('%s', async (file, message) => {
    const r = await runCli(['audit', '--terraform-plan', `bad/${file}`], { cwd: fixtures });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
  });
});

describe('the Action judges a plan', () => {
  it('annotates the .tf line with the terraform-plan input', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, cpSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const ws = mkdtempSync(join(tmpdir(), 'leakproof-tf-action-'));
    cpSync(join(fixtures, 'aws-split'), join(ws, 'infra'), { recursive: true });
    writeFileSync(join(ws, 'out.txt'), '');
    writeFileSync(join(ws, 'summary.md'), '');
    const env = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: ws, GITHUB_OUTPUT: join(ws, 'out.txt'), GITHUB_STEP_SUMMARY: join(ws, 'summary.md'), 'INPUT_TERRAFORM-PLAN': 'infra/plan.json', 'INPUT_SOURCE-ROOT': 'infra', 'INPUT_FAIL-ON': 'critical' };
    const stdout = await new Promise<string>((resolve) => execFile(process.execPath, [join(repoRoot, 'packages/action/dist/index.js')], { cwd: ws, env }, (_e, out) => resolve(out)));
    expect(stdout).toContain('::error title=storage-public-read%3A Storage is readable by anyone on the internet,file=infra/main.tf,line=48::clinic-invoices-policy lets anyone');
    expect(stdout).toContain('(aws_s3_bucket.invoices)');
    const summary = readFileSync(join(ws, 'summary.md'), 'utf8');
    expect(summary).toContain('`infra/main.tf:48`');
    expect(summary).toContain('on `aws_s3_bucket.invoices` (clinic-invoices-policy)');
  });
});

// Keep the fixture list honest: every directory is a case above, the bad inputs, or the estates that
// plan-equivalence.e2e.test.ts judges live and as plans.
it('every fixture directory is exercised', () => {
  expect(readdirSync(fixtures).sort()).toEqual([...cases, 'bad', 'equivalence'].sort());
});
