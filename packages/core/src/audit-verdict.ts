import type { BaselineComparison } from './baseline.js';
import { blockingFindings, type AuditResult, type FailFinding } from './engine.js';
import { severityRank, type Severity } from './model.js';

/** The four answers an audit can give. `error` is the caller's: the audit itself could not run. */
export type AuditVerdictName = 'pass' | 'fail' | 'incomplete' | 'error';

/** The verdict of one audit and why. */
export interface AuditVerdict {
  verdict: Exclude<AuditVerdictName, 'error'>;
  /** Unwaived failures at or above the threshold (only new ones with onlyNew). */
  blocking: FailFinding[];
  /**
   * Why the audit is not complete: scopes not (fully) audited, fatal collection errors, rules at or
   * above the threshold that could not be evaluated, baseline failures that could not be re-checked.
   * Empty when complete.
   */
  incomplete: string[];
  /** Set when the audit was incomplete and `allowIncomplete` accepted it. */
  incompleteAccepted?: boolean;
  /** The threshold it was judged against. */
  failOn: Severity | 'none';
}

/** What the verdict is judged against: the same on the command line, in the Action and in the config file. */
export interface VerdictOptions {
  /** Failures at or above this severity fail the audit; `none` never fails on findings. */
  failOn: Severity | 'none';
  /** With a baseline: only new failures fail the audit. */
  onlyNew?: boolean;
  /** Accept an incomplete audit knowingly: it passes when nothing blocking failed, and says it was incomplete. */
  allowIncomplete?: boolean;
}

const MAX_LISTED = 5;

/** The first few ids, and how many more. */
function listed(ids: string[]): string {
  return ids.slice(0, MAX_LISTED).join(', ') + (ids.length > MAX_LISTED ? ` and ${ids.length - MAX_LISTED} more` : '');
}

/**
 * Judges an audit. Unknown is never pass: a requested scope that was not fully audited, a fatal
 * collection error, a rule at or above the threshold that was not evaluated for some resource, or a
 * baseline failure that could not be re-checked all make it `incomplete`, unless failures make it
 * `fail` anyway (failures are always reported).
 */
export function auditVerdict(result: AuditResult, options: VerdictOptions, baseline?: BaselineComparison): AuditVerdict {
  const blocking = options.failOn === 'none' ? [] : blockingFindings(result, options.failOn, { onlyNew: options.onlyNew === true });
  const incomplete = incompleteReasons(result, options.failOn, baseline, { onlyNew: options.onlyNew === true });
  const base = { blocking, incomplete, failOn: options.failOn };
  if (blocking.length) return { ...base, verdict: 'fail' };
  if (incomplete.length && !options.allowIncomplete) return { ...base, verdict: 'incomplete' };
  return { ...base, verdict: 'pass', ...(incomplete.length ? { incompleteAccepted: true } : {}) };
}

/**
 * Every reason the audit is not complete, most important first, each one line. With `onlyNew`, a
 * failure the baseline already had cannot block, so doubt about its severity is no reason.
 */
export function incompleteReasons(result: AuditResult, failOn: Severity | 'none', baseline?: BaselineComparison, options: { onlyNew?: boolean } = {}): string[] {
  const reasons: string[] = [];
  const short = result.scopes.filter((s) => s.status !== 'audited');
  // A fatal notice that is already a scope's reason is told once, with its scope.
  for (const n of result.notices) if (n.fatal && !short.some((s) => s.reasons.includes(n.message))) reasons.push(n.message);
  for (const s of short) {
    const what = `${s.provider} ${s.kind} ${s.id}`;
    const why = s.reasons.length ? `: ${s.reasons.slice(0, 2).join('; ')}${s.reasons.length > 2 ? ` (and ${s.reasons.length - 2} more)` : ''}` : '';
    reasons.push(`${what} was ${s.status === 'partial' ? 'only partly audited' : 'not audited'}${why}`);
  }
  if (failOn !== 'none') {
    const threshold = severityRank(failOn);
    const notEvaluated = new Map<string, string[]>();
    // A failure below the threshold on a resource whose tags could not be read might be at or above
    // it: the classification that would raise it is unknown, so its severity is.
    const ungraded = new Map<string, { severity: Severity; potential: Severity; ids: string[] }>();
    const add = (map: Map<string, string[]>, key: string, id: string) => {
      const list = map.get(key);
      if (list) list.push(id);
      else map.set(key, [id]);
    };
    for (const f of result.findings) {
      const potential = severityRank(f.potentialSeverity ?? f.severity);
      if (f.status === 'not-evaluated' && potential >= threshold) add(notEvaluated, f.rule.id, f.resource.id);
      else if (f.status === 'fail' && !f.waiver && f.potentialSeverity && severityRank(f.severity) < threshold && potential >= threshold && !(options.onlyNew && f.baselineState !== undefined && f.baselineState !== 'new')) {
        const entry = ungraded.get(f.rule.id);
        if (entry) entry.ids.push(f.resource.id);
        else ungraded.set(f.rule.id, { severity: f.severity, potential: f.potentialSeverity, ids: [f.resource.id] });
      }
    }
    for (const [rule, ids] of notEvaluated) reasons.push(`rule ${rule} (at or above ${failOn}) was not evaluated for ${ids.length} resource(s): ${listed(ids)}`);
    for (const [rule, e] of ungraded) {
      reasons.push(`rule ${rule} failed at ${e.severity} on ${e.ids.length} resource(s) whose tags could not be read; on classified data it is up to ${e.potential}, at or above ${failOn}: ${listed(e.ids)}`);
    }
  }
  const unverified = baseline?.unverified ?? [];
  if (unverified.length) {
    reasons.push(`${unverified.length} baseline failure(s) could not be re-checked, so they are not counted as fixed: ${listed(unverified.map((e) => `${e.ruleId} on ${e.resourceId ?? e.fingerprint}`))}`);
  }
  return reasons;
}
