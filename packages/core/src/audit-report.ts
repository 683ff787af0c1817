import type { AuditVerdict } from './audit-verdict.js';
import type { BaselineComparison } from './baseline.js';
import type { AuditResult } from './engine.js';
import type { CollectionNotice, ScopeAnchor } from './model.js';

/**
 * What the reporters render: the engine's result and what the pipeline judged after it. The engine's
 * `AuditResult` is one (with nothing judged yet); the CLI and the Action add the baseline comparison,
 * the verdict and the anchors, and every report shows them the same way.
 */
export interface AuditReport extends AuditResult {
  /** The comparison with a baseline, when one was given (see `applyBaseline`). */
  baseline?: BaselineComparison;
  /** The verdict, once judged (see `auditVerdict`). */
  verdict?: AuditVerdict;
  /** Where findings without an IaC source are located in the user's repository (see `anchorOf`). */
  anchors?: ScopeAnchor[];
}

/**
 * The collection notices a report lists on their own: those the verdict does not already give as a
 * reason the audit is incomplete, so that each is told once.
 */
export function noticesBesideVerdict(report: AuditReport): CollectionNotice[] {
  const reasons = report.verdict?.incomplete ?? [];
  return report.notices.filter((n) => !reasons.some((r) => r.includes(n.message)));
}
