import type * as sarif from 'sarif';
import { readInputFile } from './util/read-file.js';
import { ConfigurationError } from './errors.js';
import type { AuditResult, FailFinding, Finding } from './engine.js';
import { resourceKey } from './model.js';
import { FINGERPRINT_KEY, fingerprint } from './finding-identity.js';

/** A failing result of an earlier run, keyed by its leakproof fingerprint. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  message: string;
  level?: string;
  resourceId?: string;
  location?: { uri: string; line: number };
}

/** A baseline failure this run could not re-check, and why: it stays open. */
export interface UnverifiedBaselineEntry extends BaselineEntry {
  reason: string;
}

/** What comparing a run with a baseline found besides the `baselineState` it sets on each failure. */
export interface BaselineComparison {
  /** Failures of the baseline that were re-checked and no longer fail: fixed. */
  absent: BaselineEntry[];
  /** Failures of the baseline that this run could not re-check: they stay open, never counted as fixed. */
  unverified: UnverifiedBaselineEntry[];
}

/** A parsed file that claims to be SARIF: the shape is trusted only after `runs` is checked. */
type UncheckedLog = Omit<sarif.Log, 'runs'> & { runs?: unknown };

/**
 * Reads the failing results of a previous leakproof SARIF (suppressed ones included). Results
 * without leakproof's fingerprint are matched by rule id and logical location instead.
 */
export function parseBaseline(text: string, file: string): Map<string, BaselineEntry> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigurationError('LP_BASELINE_INVALID', `${file}: the baseline is not valid JSON (expected a SARIF file written by leakproof)`);
  }
  const log = parsed as UncheckedLog | null;
  if (typeof log !== 'object' || log === null || !Array.isArray(log.runs)) throw new ConfigurationError('LP_BASELINE_INVALID', `${file}#/runs: the baseline is not a SARIF log (no "runs" list)`);
  const entries = new Map<string, BaselineEntry>();
  (log.runs as sarif.Run[]).forEach((run, r) => {
    (run.results ?? []).forEach((res, i) => {
      if (res.baselineState === 'absent' || res.kind === 'pass') return;
      const ruleId = typeof res.ruleId === 'string' ? res.ruleId : undefined;
      const fps = res.partialFingerprints;
      const locations = res.locations;
      const resourceId = locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName;
      if (!ruleId) throw new ConfigurationError('LP_BASELINE_INVALID', `${file}#/runs/${r}/results/${i}: result has no ruleId`);
      const fp = fps?.[FINGERPRINT_KEY] ?? (resourceId ? fingerprint(ruleId, resourceId) : undefined);
      if (!fp) return;
      const physical = locations?.[0]?.physicalLocation;
      entries.set(fp, {
        fingerprint: fp,
        ruleId,
        // A hand-edited baseline may lack the message the schema requires.
        message: (res.message as sarif.Message | undefined)?.text ?? '',
        ...(typeof res.level === 'string' ? { level: res.level } : {}),
        ...(resourceId ? { resourceId } : {}),
        ...(physical?.artifactLocation?.uri ? { location: { uri: physical.artifactLocation.uri, line: physical.region?.startLine ?? 1 } } : {}),
      });
    });
  });
  return entries;
}

/** Reads a baseline SARIF file (see `parseBaseline`); `display` is the path shown in errors. */
export function readBaseline(file: string, display: string = file): Map<string, BaselineEntry> {
  return parseBaseline(readInputFile(file, display, 'the baseline'), display);
}

/**
 * Compares failures with a baseline by fingerprint: `new` if the baseline lacks it, `unchanged` if the
 * message is the same, `updated` if it changed (e.g. new evidence). A baseline failure that no longer
 * fails is `absent` (fixed) only when this run re-checked it: the rule was evaluated on the resource
 * and passed (or no longer applies to it), or the resource is gone from a scope that was fully
 * audited. Anything else could not be re-checked and is returned as unverified, never as fixed.
 * Each failure's `baselineState` is set on the result's findings; the result is not otherwise changed.
 */
export function applyBaseline(result: AuditResult, baseline: Map<string, BaselineEntry>, render: (f: FailFinding) => string): BaselineComparison {
  const seen = new Set<string>();
  const others = new Map<string, Finding>();
  for (const f of result.findings) {
    const fp = fingerprint(f.rule.id, resourceKey(f.resource));
    if (f.status !== 'fail') {
      others.set(fp, f);
      continue;
    }
    const before = baseline.get(fp);
    seen.add(fp);
    f.baselineState = !before ? 'new' : before.message === render(f) ? 'unchanged' : 'updated';
  }
  const rules = new Set(result.rules.map((r) => r.id));
  const collected = new Set(result.resources.map(resourceKey));
  const fatal = result.notices.find((n) => n.fatal);
  const absent: BaselineEntry[] = [];
  const unverified: UnverifiedBaselineEntry[] = [];
  for (const e of baseline.values()) {
    if (seen.has(e.fingerprint)) continue;
    const now = others.get(e.fingerprint);
    let reason: string | undefined;
    if (now?.status === 'not-evaluated') reason = `rule ${e.ruleId} could not be evaluated: ${now.reasons.join('; ')}`;
    else if (now?.status === 'pass') reason = undefined;
    else if (!rules.has(e.ruleId)) reason = `rule ${e.ruleId} was not part of this run`;
    else if (e.resourceId !== undefined && collected.has(e.resourceId)) reason = undefined;
    else reason = goneUnverified(e, result, fatal?.message);
    if (reason === undefined) absent.push(e);
    else unverified.push({ ...e, reason });
  }
  return { absent, unverified };
}

/**
 * Why a resource missing from this run may still exist, or undefined when its absence is verified:
 * the scopes it could belong to (those whose account appears in its id, else every scope) were all
 * fully audited and nothing was fatal.
 */
function goneUnverified(e: BaselineEntry, result: AuditResult, fatal: string | undefined): string | undefined {
  if (fatal) return `the resource was not collected in this run (${fatal})`;
  const id = e.resourceId ?? '';
  const own = result.scopes.filter((s) => id.includes(s.account));
  const candidates = own.length ? own : result.scopes;
  const short = candidates.find((s) => s.status !== 'audited');
  return short ? `the resource was not collected in this run and ${short.provider} ${short.kind} ${short.id} was ${short.status === 'partial' ? 'only partly audited' : 'not audited'}` : undefined;
}
