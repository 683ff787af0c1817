import type { FakeArmEstate } from './fake-arm-server.js';

/**
 * A generated ARM estate for benchmarks: `accounts` storage accounts with two containers each, and
 * `networkSecurityGroups` NSGs (a tenth admitting PostgreSQL from the internet).
 */
export function syntheticArmEstate(options: { accounts: number; networkSecurityGroups?: number; subscription?: string }): FakeArmEstate {
  const sub = options.subscription ?? '00000000-0000-0000-0000-0000000be0c4';
  const base = `/subscriptions/${sub}/resourceGroups/rg-bench/providers/Microsoft.Storage/storageAccounts`;
  const answers: FakeArmEstate['answers'] = {
    [`/subscriptions/${sub}/providers/Microsoft.Sql/servers`]: { status: 200, body: { value: [] } },
    [`/subscriptions/${sub}/providers/Microsoft.Network/networkSecurityGroups`]: { status: 200, body: { value: syntheticNsgs(sub, options.networkSecurityGroups ?? 0) } },
  };
  const accounts = Array.from({ length: options.accounts }, (_, i) => {
    const name = `bench${String(i).padStart(5, '0')}`;
    answers[`${base}/${name}/blobServices/default/containers`] = {
      status: 200,
      body: { value: [{ id: `${base}/${name}/blobServices/default/containers/a`, name: 'a', properties: { publicAccess: i % 4 === 0 ? 'Container' : 'None' } }, { id: `${base}/${name}/blobServices/default/containers/b`, name: 'b', properties: { publicAccess: 'None' } }] },
    };
    answers[`${base}/${name}/blobServices/default`] = { status: 200, body: { properties: { deleteRetentionPolicy: { enabled: true, days: 7 }, isVersioningEnabled: i % 2 === 0 } } };
    return { id: `${base}/${name}`, name, location: 'westeurope', properties: { allowBlobPublicAccess: i % 3 !== 0, publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Allow' }, supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' } };
  });
  answers[`/subscriptions/${sub}/providers/Microsoft.Storage/storageAccounts`] = { status: 200, body: { value: accounts } };
  return { answers, pageSize: 1000 };
}

function syntheticNsgs(sub: string, count: number): unknown[] {
  const base = `/subscriptions/${sub}/resourceGroups/rg-bench/providers/Microsoft.Network/networkSecurityGroups`;
  return Array.from({ length: count }, (_, i) => ({
    id: `${base}/nsg-${i}`,
    name: `nsg-${i}`,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: {
      securityRules: [
        {
          id: `${base}/nsg-${i}/securityRules/db`,
          name: 'db',
          properties: { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: i % 10 === 0 ? '5432' : '443', sourceAddressPrefix: i % 10 === 0 ? 'Internet' : '10.0.0.0/16', destinationAddressPrefix: '*', access: 'Allow', priority: 100, direction: 'Inbound' },
        },
      ],
      subnets: [],
      networkInterfaces: [],
    },
  }));
}
