import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizePlanText } from '../index.js';

/** A plan of one resource change, created with these planned values. */
function planOf(type: string, after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}): string {
  const name = 'this';
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: [{ address: `${type}.${name}`, mode: 'managed', type, name, change: { actions: ['create'], after, after_unknown: afterUnknown } }],
  });
}

const factsOf = (text: string, kind: string) => normalizePlanText(text, 'plan.json', { sourceRoot: '/nonexistent' }).resources.find((r) => r.kind === kind)?.facts;

describe('a list element known only after apply', () => {
  it('leaves a snapshot shared with an account known only after apply unknown: the account could be "all"', () => {
    const facts = factsOf(planOf('aws_db_snapshot', { db_snapshot_identifier: 's', db_instance_identifier: 'db', shared_accounts: ['111122223333', null] }, { shared_accounts: [false, true] }), 'snapshot');
    expect(facts?.public).toEqual({ unknown: 'aws_db_snapshot.this.shared_accounts is known only after apply' });
  });

  it('leaves a security group rule whose CIDR is known only after apply unknown, never closed', () => {
    const ingress = [{ protocol: 'tcp', from_port: 5432, to_port: 5432, cidr_blocks: [null], ipv6_cidr_blocks: [], security_groups: [], self: false, prefix_list_ids: [] }];
    const facts = factsOf(planOf('aws_security_group', { name: 'db', ingress }, { ingress: [{ cidr_blocks: [true] }] }), 'network-firewall');
    expect(facts?.internetIngressDatabasePorts).toMatchObject({ unknown: expect.stringContaining('aws_security_group.this.ingress.0.cidr_blocks') });
  });

  it('leaves a firewall whose source range is known only after apply unknown, never open to everyone by default', () => {
    const facts = factsOf(planOf('google_compute_firewall', { name: 'db', network: 'default', direction: 'INGRESS', source_ranges: [null], allow: [{ protocol: 'tcp', ports: ['5432'] }], deny: [] }, { source_ranges: [true] }), 'network-firewall');
    expect(facts?.internetIngressDatabasePorts).toEqual({ unknown: 'google_compute_firewall.this.source_ranges is known only after apply' });
  });

  it('leaves a storage account whose IP rule is known only after apply unknown on the network', () => {
    const facts = factsOf(planOf('azurerm_storage_account', { name: 'sa', location: 'westeurope', network_rules: [{ default_action: 'Deny', ip_rules: [null] }] }, { network_rules: [{ ip_rules: [true] }] }), 'storage-account');
    expect(facts?.networkOpenToInternet).toEqual({ unknown: 'azurerm_storage_account.this.network_rules is known only after apply' });
  });

  it("leaves a bucket ACL whose entry is known only after apply unknown", () => {
    const text = JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        { address: 'google_storage_bucket.b', mode: 'managed', type: 'google_storage_bucket', name: 'b', change: { actions: ['create'], after: { name: 'scans', location: 'EU' }, after_unknown: {} } },
        { address: 'google_storage_bucket_acl.b', mode: 'managed', type: 'google_storage_bucket_acl', name: 'b', change: { actions: ['create'], after: { bucket: 'scans', role_entity: ['OWNER:project-owners-1', null] }, after_unknown: { role_entity: [false, true] } } },
      ],
      configuration: {
        root_module: {
          resources: [
            { address: 'google_storage_bucket.b', mode: 'managed', type: 'google_storage_bucket', name: 'b', expressions: {} },
            { address: 'google_storage_bucket_acl.b', mode: 'managed', type: 'google_storage_bucket_acl', name: 'b', expressions: { bucket: { references: ['google_storage_bucket.b.name', 'google_storage_bucket.b'] } } },
          ],
        },
      },
    });
    expect(factsOf(text, 'storage-bucket')?.publicList).toMatchObject({ unknown: expect.stringContaining('google_storage_bucket_acl.b.role_entity is known only after apply') });
  });
});

describe('a planned value of the wrong type', () => {
  it.each([
    ['a nested block field', planOf('google_compute_firewall', { name: 'db', network: 'default', allow: [{ protocol: 6, ports: ['5432'] }] }), 'plan.json#/resource_changes/0/change/after/allow/0/protocol: expected a string for google_compute_firewall.this.allow.0.protocol, found number 6'],
    ['a block that is a string', planOf('azurerm_storage_account', { name: 'sa', network_rules: 'deny' }), 'plan.json#/resource_changes/0/change/after/network_rules: expected a list of blocks for azurerm_storage_account.this.network_rules, found string "deny"'],
  ])('is one line naming it in the plan: %s', (_what, text, message) => {
    expect(() => normalizePlanText(text, 'plan.json', { sourceRoot: '/nonexistent' })).toThrow(message);
  });
});

describe('a policy document that is not JSON', () => {
  it('is one line naming it in the plan', () => {
    const plan = JSON.parse(readFileSync(new URL('../../../../test/fixtures/terraform/gcp/plan.json', import.meta.url), 'utf8')) as { resource_changes: Array<{ type: string; change: { after: Record<string, unknown> } }> };
    const index = plan.resource_changes.findIndex((rc) => rc.type === 'google_storage_bucket_iam_policy');
    const policy = plan.resource_changes[index]!;
    policy.change.after.policy_data = 'allUsers';
    expect(() => normalizePlanText(JSON.stringify(plan), 'plan.json', { sourceRoot: '/nonexistent' })).toThrow(`plan.json#/resource_changes/${String(index)}/change/after/policy_data: expected a policy as JSON text`);
  });
});

describe('a PostgreSQL flexible server in a plan', () => {
  const withParameter = (after: Record<string, unknown>, afterUnknown: Record<string, unknown>) =>
    JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        { address: 'azurerm_postgresql_flexible_server.db', mode: 'managed', type: 'azurerm_postgresql_flexible_server', name: 'db', change: { actions: ['create'], after: { name: 'clinic-pg', location: 'westeurope' }, after_unknown: { id: true, public_network_access_enabled: true } } },
        { address: 'azurerm_postgresql_flexible_server_configuration.tls', mode: 'managed', type: 'azurerm_postgresql_flexible_server_configuration', name: 'tls', change: { actions: ['create'], after: { name: 'require_secure_transport', ...after }, after_unknown: { id: true, server_id: true, ...afterUnknown } } },
      ],
      configuration: {
        root_module: {
          resources: [
            { address: 'azurerm_postgresql_flexible_server.db', mode: 'managed', type: 'azurerm_postgresql_flexible_server', name: 'db', expressions: { name: { constant_value: 'clinic-pg' } } },
            { address: 'azurerm_postgresql_flexible_server_configuration.tls', mode: 'managed', type: 'azurerm_postgresql_flexible_server_configuration', name: 'tls', expressions: { server_id: { references: ['azurerm_postgresql_flexible_server.db.id', 'azurerm_postgresql_flexible_server.db'] }, value: { references: ['var.tls'] } } },
          ],
        },
      },
    });

  it('takes an unset public_network_access_enabled as public access, as Azure does without a delegated subnet', () => {
    expect(factsOf(withParameter({ value: 'on' }, {}), 'database-instance')?.publiclyAccessible).toEqual({ value: true, evidence: ['publicNetworkAccess=Enabled'] });
  });

  it('takes a server with a delegated subnet as private, even while public access waits for apply', () => {
    const plan = planOf('azurerm_postgresql_flexible_server', { name: 'clinic-pg', location: 'westeurope', delegated_subnet_id: null, public_network_access_enabled: null }, { delegated_subnet_id: true, public_network_access_enabled: true });
    const withExpressions = JSON.parse(plan) as { configuration?: unknown };
    withExpressions.configuration = { root_module: { resources: [{ address: 'azurerm_postgresql_flexible_server.this', mode: 'managed', type: 'azurerm_postgresql_flexible_server', name: 'this', expressions: { delegated_subnet_id: { references: ['azurerm_subnet.db.id', 'azurerm_subnet.db'] }, public_network_access_enabled: { references: ['var.public'] } } }] } };
    expect(factsOf(JSON.stringify(withExpressions), 'database-instance')?.publiclyAccessible).toMatchObject({ value: false });
  });

  it('judges require_secure_transport from its configuration resource, and leaves it unknown while its value waits for apply', () => {
    expect(factsOf(withParameter({ value: 'off' }, {}), 'database-instance')?.tlsRequired).toEqual({ value: false, evidence: ['require_secure_transport=off'] });
    expect(factsOf(withParameter({}, { value: true }), 'database-instance')?.tlsRequired).toEqual({ unknown: 'azurerm_postgresql_flexible_server_configuration.tls.value is known only after apply' });
  });
});

describe('a Cosmos DB account in a plan', () => {
  const account = (after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}) => factsOf(planOf('azurerm_cosmosdb_account', { name: 'clinic-cosmos', location: 'westeurope', public_network_access_enabled: true, ...after }, afterUnknown), 'database-instance');

  it("reads azurerm v3's comma-separated ip_range_filter like v4's list", () => {
    expect(account({ ip_range_filter: '203.0.113.0/24,0.0.0.0' })?.openToCloudTenants).toMatchObject({ value: true });
    expect(account({ ip_range_filter: ['203.0.113.0/24', '0.0.0.0'] })?.openToCloudTenants).toMatchObject({ value: true });
    expect(account({ ip_range_filter: '0.0.0.0/0' })?.internetReachable).toMatchObject({ value: true });
  });

  it('leaves reachability unknown while an IP rule waits for apply: it could be anything', () => {
    expect(account({ ip_range_filter: ['203.0.113.0/24', null] }, { ip_range_filter: [false, true] })?.internetReachable).toEqual({ unknown: 'azurerm_cosmosdb_account.this.ip_range_filter is known only after apply' });
  });
});
