import type * as sarif from 'sarif';
import { ConfigurationError } from '../errors.js';
import { FINGERPRINT_KEY } from '../finding-identity.js';

/** GitHub code scanning accepts at most this many runs per file and results per run. */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000 } as const;

type Run = sarif.Run;

/** What a file is checked for before its runs are trusted as SARIF: it is read from the user's disk. */
interface UncheckedLog {
  version?: unknown;
  runs?: unknown;
}
type UncheckedRun = { tool?: { driver?: { name?: unknown } } } | null | undefined;

/**
 * Combines the SARIF logs of a sharded audit (one job per account, project or subscription).
 * Runs of the same tool and category become one run: rules are united and re-indexed, results and
 * notifications concatenated, summaries added. A run over 25,000 results is split into parts
 * with their own category (`<category>/part-N/`), because GitHub also refuses several runs of
 * one tool and category in one file. More than 20 runs in the end is an error.
 *
 * Exact duplicates (same ruleId and leakproof fingerprint, e.g. an account audited by two shards)
 * are kept once: GitHub would otherwise show one alert twice. Each merged run says how many it
 * dropped in `properties.duplicateResultsRemoved`; `duplicatesRemoved` sums them.
 */
export function mergeSarif(logs: Array<{ file: string; log: unknown }>): sarif.Log {
  const groups = new Map<string, Run[]>();
  for (const { file, log } of logs) {
    const l = log as UncheckedLog | null;
    if (typeof l !== 'object' || l === null || l.version !== '2.1.0' || !Array.isArray(l.runs)) throw new ConfigurationError('LP_SARIF_INVALID', `${file}: not a SARIF 2.1.0 log (needs "version": "2.1.0" and "runs")`);
    (l.runs as unknown[]).forEach((candidate, i) => {
      const name = (candidate as UncheckedRun)?.tool?.driver?.name;
      if (typeof name !== 'string' || name === '') throw new ConfigurationError('LP_SARIF_INVALID', `${file}#/runs/${i}/tool/driver/name: missing`);
      const run = candidate as Run;
      const key = `${run.tool.driver.name}\u0000${run.automationDetails?.id ?? ''}`;
      const list = groups.get(key) ?? [];
      list.push(run);
      groups.set(key, list);
    });
  }
  const runs: Run[] = [];
  for (const [first, ...others] of groups.values()) {
    if (!first) continue;
    const merged = dropDuplicates(mergeRuns(first, others));
    const results = merged.results ?? [];
    if (results.length <= GITHUB_LIMITS.resultsPerRun) {
      runs.push(merged);
      continue;
    }
    const category = (merged.automationDetails?.id ?? 'leakproof/').replace(/\/+$/, '');
    for (let part = 0; part * GITHUB_LIMITS.resultsPerRun < results.length; part++) {
      runs.push({
        ...merged,
        automationDetails: { id: `${category}/part-${part + 1}/` },
        results: results.slice(part * GITHUB_LIMITS.resultsPerRun, (part + 1) * GITHUB_LIMITS.resultsPerRun),
        // Notifications belong to the first part only, so they are not repeated.
        ...(part > 0 ? { invocations: (merged.invocations ?? []).map((inv) => ({ ...inv, toolExecutionNotifications: [] })) } : {}),
      });
    }
  }
  if (runs.length > GITHUB_LIMITS.runsPerFile) {
    throw new ConfigurationError('LP_SARIF_TOO_MANY_RUNS', `the merged log has ${runs.length} runs; GitHub accepts at most ${GITHUB_LIMITS.runsPerFile} per file (upload in several files or fewer categories)`);
  }
  return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
}

/** How many duplicate results a merge dropped, over all its runs. */
export function duplicatesRemoved(log: sarif.Log): number {
  return log.runs.reduce((n, run) => {
    const dropped: unknown = run.properties?.duplicateResultsRemoved;
    return n + (typeof dropped === 'number' ? dropped : 0);
  }, 0);
}

function dropDuplicates(run: Run): Run {
  const seen = new Set<string>();
  let dropped = 0;
  const results = (run.results ?? []).filter((r) => {
    const fp = r.partialFingerprints?.[FINGERPRINT_KEY];
    if (typeof fp !== 'string' || r.ruleId === undefined) return true;
    const key = `${r.ruleId}\u0000${fp}`;
    if (seen.has(key)) {
      dropped++;
      return false;
    }
    seen.add(key);
    return true;
  });
  if (dropped === 0) return run;
  return { ...run, results, properties: { ...run.properties, duplicateResultsRemoved: dropped } };
}

function mergeRuns(first: Run, others: Run[]): Run {
  if (others.length === 0) return first;
  const runs = [first, ...others];
  const rules: sarif.ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const results: sarif.Result[] = [];
  const notifications: sarif.Notification[] = [];
  const summaries: Array<Record<string, unknown>> = [];
  for (const run of runs) {
    const local = run.tool.driver.rules ?? [];
    for (const rule of local) {
      if (!index.has(rule.id)) {
        index.set(rule.id, rules.length);
        rules.push(rule);
      }
    }
    for (const r of run.results ?? []) {
      const ruleId = r.ruleId ?? (r.ruleIndex !== undefined ? local[r.ruleIndex]?.id : undefined);
      const ruleIndex = ruleId === undefined ? undefined : index.get(ruleId);
      results.push(ruleIndex !== undefined ? { ...r, ruleId, ruleIndex } : r);
    }
    for (const inv of run.invocations ?? []) notifications.push(...(inv.toolExecutionNotifications ?? []));
    const summary: unknown = run.properties?.summary;
    if (summary !== null && typeof summary === 'object') summaries.push(summary as Record<string, unknown>);
  }
  const summary: Record<string, number> = {};
  for (const s of summaries) for (const [k, v] of Object.entries(s)) if (typeof v === 'number') summary[k] = (summary[k] ?? 0) + v;
  return {
    ...first,
    tool: { ...first.tool, driver: { ...first.tool.driver, rules } },
    invocations: [{ executionSuccessful: runs.every((r) => (r.invocations ?? []).every((i) => (i.executionSuccessful as boolean | undefined) !== false)), toolExecutionNotifications: notifications }],
    results,
    properties: { ...first.properties, ...(summaries.length ? { summary } : {}), mergedRuns: runs.length },
  };
}
