import { describe, expect, it } from 'vitest';
import type { Resource } from '@leakproof/core';
import { applyDeletionLocks } from './locks.js';

const server = (id: string): Resource => ({ id, kind: 'database-instance', provider: 'azure', account: 's1', region: 'westeurope', name: id.split('/').pop() ?? '?', type: 'Microsoft.Sql/servers', tags: {}, facts: {} });
const sub = '/subscriptions/s1';
const db = `${sub}/resourceGroups/rg-clinic/providers/Microsoft.Sql/servers/clinic-sql`;
const lock = (scope: string, level: string) => ({ id: `${scope}/providers/Microsoft.Authorization/locks/l`, name: 'l', level });

describe('applyDeletionLocks', () => {
  it.each([
    ['the subscription', sub, 'CanNotDelete', true],
    ['the resource group, in another case', `${sub}/resourcegroups/RG-CLINIC`, 'CanNotDelete', true],
    ['the server itself, read-only', db, 'ReadOnly', true],
    ['a database of the server', `${db}/databases/patients`, 'CanNotDelete', false],
    ['another resource group whose name starts the same', `${sub}/resourceGroups/rg-clinic-dev`, 'CanNotDelete', false],
    ['the server, with no level', db, 'NotSpecified', false],
  ])('a lock on %s protects the server: %s', (_where, scope, level, protectedByIt) => {
    const r = server(db);
    applyDeletionLocks([r], { status: 'ok', value: [lock(scope, level)] });
    expect(r.facts.deletionProtection).toMatchObject({ value: protectedByIt });
  });

  it('leaves protection unknown when the locks could not be listed', () => {
    const r = server(db);
    applyDeletionLocks([r], { status: 'failed', failure: { call: 'managementLocks.listAtSubscriptionLevel', permission: 'Microsoft.Authorization/locks/read', code: 'AuthorizationFailed', category: 'access-denied', message: 'denied' } });
    expect(r.facts.deletionProtection).toEqual({ unknown: 'managementLocks.listAtSubscriptionLevel was denied (AuthorizationFailed); grant Microsoft.Authorization/locks/read' });
  });
});
