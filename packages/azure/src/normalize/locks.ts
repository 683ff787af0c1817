import { fact, outcomeReason, type CallOutcome, type Resource } from '@leakproof/core';

/** A management lock as ARM lists it: its id says the scope it is set on. */
export interface AzureLock {
  id?: string;
  name?: string;
  level?: string;
}

/** The scope a lock is set on: its id without `/providers/Microsoft.Authorization/locks/NAME`. */
function scopeOf(lock: AzureLock): string {
  return (lock.id ?? '').replace(/\/providers\/Microsoft\.Authorization\/locks\/[^/]+$/i, '').toLowerCase();
}

/** Whether a lock set on `scope` covers the resource `id`: locks apply to the scope and everything below it. */
function covers(scope: string, id: string): boolean {
  const target = id.toLowerCase();
  return scope !== '' && (target === scope || target.startsWith(`${scope}/`));
}

/**
 * Pure: sets `deletionProtection` on the database servers of one subscription from its management locks. Azure
 * has no deletion-protection switch on SQL, PostgreSQL, MySQL or Cosmos DB; a `CanNotDelete` or `ReadOnly` lock on
 * the resource, its resource group or the subscription is what refuses a delete. A listing that failed leaves the
 * fact unknown.
 */
export function applyDeletionLocks(resources: readonly Resource[], locks: CallOutcome<AzureLock[]>): void {
  for (const r of resources) {
    if (r.kind !== 'database-instance' || r.provider !== 'azure') continue;
    if (locks.status !== 'ok') {
      if (locks.status !== 'skipped') r.facts.deletionProtection = { unknown: outcomeReason(locks, 'the management locks') };
      continue;
    }
    const lock = locks.value.find((l) => (l.level === 'CanNotDelete' || l.level === 'ReadOnly') && covers(scopeOf(l), r.id));
    r.facts.deletionProtection = lock
      ? fact(true, `management lock ${lock.name ?? '?'} (${lock.level ?? '?'}) on ${scopeOf(lock) === r.id.toLowerCase() ? 'the resource' : scopeOf(lock)}`)
      : fact(false, 'no CanNotDelete or ReadOnly lock on the resource, its resource group or the subscription');
  }
}
