import { readInputFile } from './util/read-file.js';
import { ConfigurationError } from './errors.js';
import type { AuditResult } from './engine.js';
import { FINGERPRINT_KEY, fingerprint } from './report/sarif.js';

/** A failing result of an earlier run, keyed by its leakproof fingerprint. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  message: string;
  level?: string;
  resourceId?: string;
  location?: { uri: string; line: number };
}

interface SarifLike {
  runs?: Array<{ results?: Array<Record<string, unknown>> }>;
}

/**
 * Reads the failing results of a previous leakproof SARIF (suppressed ones included). Results
 * without leakproof's fingerprint are matched by rule id and logical location instead.
 */
export function parseBaseline(text: string, file: string): Map<string, BaselineEntry> {
  let log: SarifLike;
  try {
    log = JSON.parse(text) as SarifLike;
  } catch {
    throw new ConfigurationError('LP_BASELINE_INVALID', `${file}: the baseline is not valid JSON (expected a SARIF file written by leakproof)`);
  }
  if (!Array.isArray(log.runs)) throw new ConfigurationError('LP_BASELINE_INVALID', `${file}#/runs: the baseline is not a SARIF log (no "runs" list)`);
  const entries = new Map<string, BaselineEntry>();
  log.runs.forEach((run, r) => {
    (run.results ?? []).forEach((res, i) => {
      if (res.baselineState === 'absent' || res.kind === 'pass') return;
      const ruleId = typeof res.ruleId === 'string' ? res.ruleId : undefined;
      const fps = res.partialFingerprints as Record<string, string> | undefined;
      const locations = res.locations as Array<{ logicalLocations?: Array<{ fullyQualifiedName?: string }>; physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }> | undefined;
      const resourceId = locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName;
      if (!ruleId) throw new ConfigurationError('LP_BASELINE_INVALID', `${file}#/runs/${r}/results/${i}: result has no ruleId`);
      const fp = fps?.[FINGERPRINT_KEY] ?? (resourceId ? fingerprint(ruleId, resourceId) : undefined);
      if (!fp) return;
      const physical = locations?.[0]?.physicalLocation;
      entries.set(fp, {
        fingerprint: fp,
        ruleId,
        message: String((res.message as { text?: string } | undefined)?.text ?? ''),
        ...(typeof res.level === 'string' ? { level: res.level } : {}),
        ...(resourceId ? { resourceId } : {}),
        ...(physical?.artifactLocation?.uri ? { location: { uri: physical.artifactLocation.uri, line: physical.region?.startLine ?? 1 } } : {}),
      });
    });
  });
  return entries;
}

export function readBaseline(file: string, display: string = file): Map<string, BaselineEntry> {
  return parseBaseline(readInputFile(file, display, 'the baseline'), display);
}

/**
 * Compares failures with a baseline by fingerprint: `new` if the baseline lacks it, `unchanged` if the
 * message is the same, `updated` if it changed (e.g. new evidence). Baseline failures that no longer
 * fail are returned as `absent`, for the SARIF report.
 */
export function applyBaseline(result: AuditResult, baseline: Map<string, BaselineEntry>, render: (f: import('./engine.js').FailFinding) => string): AuditResult {
  const seen = new Set<string>();
  for (const f of result.findings) {
    if (f.status !== 'fail') continue;
    const fp = fingerprint(f.rule.id, f.resource.id);
    const before = baseline.get(fp);
    seen.add(fp);
    f.baselineState = !before ? 'new' : before.message === render(f) ? 'unchanged' : 'updated';
  }
  result.baselineAbsent = [...baseline.values()].filter((e) => !seen.has(e.fingerprint));
  return result;
}
