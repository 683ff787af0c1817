import type { Provider, ScopeKind, ScopeStatus } from '../model.js';

interface ScopeState {
  status: Omit<ScopeStatus, 'status' | 'reasons'>;
  ok: number;
  failed: number;
  /** Set when the scope could not be audited at all (its listing or identity failed). */
  notAudited?: string;
  reasons: string[];
}

const MAX_REASONS = 5;

/**
 * What a run was asked to audit and how far it got. Every call reports its scope's success or failure;
 * a scope ends audited (no call failed), partly audited (some failed) or not audited (nothing could be
 * collected: the listing, the identity or every call failed).
 */
export class ScopeTracker {
  private readonly scopes = new Map<string, ScopeState>();

  constructor(private readonly provider: Provider) {}

  /** Declares a scope the run was asked to audit; returns its id. Declaring it again is harmless. */
  add(kind: ScopeKind, account: string, region?: string): string {
    const id = region ? `${account}/${region}` : account;
    if (!this.scopes.has(id)) {
      this.scopes.set(id, { status: { provider: this.provider, kind, id, account, ...(region ? { region } : {}) }, ok: 0, failed: 0, reasons: [] });
    }
    return id;
  }

  /** Drops a provisional scope (one named before its real id was known, e.g. "default credentials"). */
  forget(id: string): void {
    this.scopes.delete(id);
  }

  /** A call in the scope succeeded (or answered "not configured"). */
  succeeded(id: string): void {
    const scope = this.scopes.get(id);
    if (scope) scope.ok++;
  }

  /** A call in the scope failed: the scope is at best partly audited. */
  failed(id: string, reason: string): void {
    const scope = this.scopes.get(id);
    if (!scope) return;
    scope.failed++;
    if (scope.reasons.length < MAX_REASONS && !scope.reasons.includes(reason)) scope.reasons.push(reason);
  }

  /** Nothing in the scope could be audited (e.g. its identity or listing failed). */
  notAudited(id: string, reason: string): void {
    const scope = this.scopes.get(id);
    if (!scope) return;
    scope.notAudited ??= reason;
    // A reason that the new one already says (the failure it explains) is not kept twice.
    scope.reasons = scope.reasons.filter((r) => r !== reason && !reason.includes(r));
    scope.reasons.unshift(reason);
  }

  /** The status of one scope, if declared. */
  statusOf(id: string): ScopeStatus['status'] | undefined {
    const scope = this.scopes.get(id);
    return scope ? judge(scope) : undefined;
  }

  /** Every declared scope with its final status. */
  statuses(): ScopeStatus[] {
    return [...this.scopes.values()].map((s) => ({ ...s.status, status: judge(s), reasons: [...s.reasons] }));
  }
}

function judge(s: ScopeState): ScopeStatus['status'] {
  if (s.notAudited !== undefined) return 'not-audited';
  if (s.failed === 0) return 'audited';
  return s.ok === 0 ? 'not-audited' : 'partial';
}
