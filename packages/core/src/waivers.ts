import { readInputFile } from './util/read-file.js';
import { ConfigurationError, type ValidationIssue, type ValidationResult } from './errors.js';
import type { AuditResult } from './engine.js';
import type { CollectionNotice, Resource } from './model.js';
import type { PolicySet } from './policy/load.js';
import { SourceDocument } from './util/source-document.js';
import { wildcardRegExp } from './util/wildcard.js';
import { validateAgainstSchema } from './util/schema.js';
import { didYouMean } from './util/suggest.js';

/** An accepted failure: which rule and resource, who owns it, why, and until when. */
export interface Waiver {
  rule: string;
  resource?: string;
  tags?: Record<string, string>;
  owner: string;
  reason: string;
  /** YYYY-MM-DD, inclusive. */
  expires: string;
  /** `file:line` where it is written. */
  source: string;
}

/**
 * Parses and validates a waiver file. Every waiver needs a rule id that exists, and a resource id
 * (pattern) or tags; problems come back with file:line:col.
 */
export function validateWaivers(text: string, file: string, policies?: PolicySet): ValidationResult<Waiver[]> {
  const parsed = SourceDocument.parse(file, text);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const doc = parsed.document;
  const issues: ValidationIssue[] = validateAgainstSchema('waivers', doc.data, doc);
  if (issues.length) return { ok: false, issues };
  const entries = (doc.data as { waivers: Array<Omit<Waiver, 'source'>> }).waivers;
  const ruleIds = policies ? new Set(policies.rules.map((r) => r.id)) : undefined;
  const waivers: Waiver[] = [];
  entries.forEach((w, i) => {
    if (w.resource === undefined && w.tags === undefined) issues.push(doc.issue(['waivers', i], 'a waiver needs "resource" (an id or pattern) or "tags"'));
    if (ruleIds && !ruleIds.has(w.rule)) issues.push(doc.issue(['waivers', i, 'rule'], `unknown rule "${w.rule}"${didYouMean(w.rule, ruleIds)}`));
    if (Number.isNaN(Date.parse(`${w.expires}T00:00:00Z`))) issues.push(doc.issue(['waivers', i, 'expires'], `"${w.expires}" is not a date (YYYY-MM-DD)`));
    waivers.push({ ...w, source: `${file}:${doc.position(['waivers', i]).line}` });
  });
  return issues.length ? { ok: false, issues } : { ok: true, value: waivers, issues: [] };
}

/** Reads and validates a waiver file; `display` is the path shown in errors. */
export function readWaivers(file: string, display: string = file, policies?: PolicySet): Waiver[] {
  const result = validateWaivers(readInputFile(file, display), display, policies);
  if (!result.ok) throw ConfigurationError.fromIssues('LP_WAIVERS_INVALID', result.issues);
  return result.value;
}

function matches(waiver: Waiver, ruleId: string, resource: Resource): boolean {
  if (waiver.rule !== ruleId) return false;
  if (waiver.resource !== undefined) {
    const pattern = wildcardRegExp(waiver.resource, 'waiver');
    // A planned resource can be waived by its cloud id or by its Terraform address.
    if (!pattern.test(resource.id) && !(resource.address !== undefined && pattern.test(resource.address))) return false;
  }
  if (waiver.tags) for (const [k, v] of Object.entries(waiver.tags)) if (resource.tags[k] !== v) return false;
  return true;
}

/** Whether a waiver is still in force on `now` (it applies through the whole expiry day, UTC). */
export function waiverActive(waiver: Waiver, now: Date): boolean {
  return now.getTime() < Date.parse(`${waiver.expires}T00:00:00Z`) + 86_400_000;
}

/**
 * Marks failures covered by an active waiver; an expired waiver stops suppressing and is reported
 * (on the finding and as a notice). Passes and not-evaluated findings are left alone.
 */
export function applyWaivers(result: AuditResult, waivers: Waiver[], now: Date = new Date()): AuditResult {
  const expiredUsed = new Set<Waiver>();
  for (const f of result.findings) {
    if (f.status !== 'fail') continue;
    const candidates = waivers.filter((w) => matches(w, f.rule.id, f.resource));
    const active = candidates.find((w) => waiverActive(w, now));
    if (active) (f).waiver = { owner: active.owner, reason: active.reason, expires: active.expires, source: active.source };
    else {
      const expired = candidates[0];
      if (expired) {
        (f).expiredWaiver = { owner: expired.owner, reason: expired.reason, expires: expired.expires, source: expired.source };
        expiredUsed.add(expired);
      }
    }
  }
  const notices: CollectionNotice[] = [...expiredUsed].map((w) => ({
    level: 'warning',
    message: `waiver for ${w.rule} on ${w.resource ?? JSON.stringify(w.tags)} (owner ${w.owner}) expired on ${w.expires} and no longer suppresses (${w.source})`,
  }));
  result.notices.push(...notices);
  let waived = 0;
  let fail = 0;
  const failBySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of result.findings) {
    if (f.status !== 'fail') continue;
    if (f.waiver) waived++;
    else {
      fail++;
      failBySeverity[f.severity]++;
    }
  }
  result.summary = { ...result.summary, waived, fail, failBySeverity };
  return result;
}
