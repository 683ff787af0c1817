import type { FakeArmEstate } from './fake-arm-server.js';

/** A generated ARM estate for benchmarks: `accounts` storage accounts with two containers each. */
export function syntheticArmEstate(options: { accounts: number; subscription?: string }): FakeArmEstate {
  const sub = options.subscription ?? '00000000-0000-0000-0000-00000000bench';
  const base = `/subscriptions/${sub}/resourceGroups/rg-bench/providers/Microsoft.Storage/storageAccounts`;
  const answers: FakeArmEstate['answers'] = {
    [`/subscriptions/${sub}/providers/Microsoft.Sql/servers`]: { status: 200, body: { value: [] } },
    [`/subscriptions/${sub}/providers/Microsoft.Network/networkSecurityGroups`]: { status: 200, body: { value: [] } },
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
