import type { AuditReport } from '../audit-report.js';
import { inReportOrder, type Finding } from '../engine.js';
import { resourceKey } from '../model.js';

/** The columns of the CSV report, in order. */
export const CSV_COLUMNS = ['rule', 'severity', 'classification', 'resource', 'name', 'provider', 'account', 'region', 'status', 'evidence', 'controls'] as const;

/** One field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
function field(value: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula: prefix it so it stays text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(f: Finding): string {
  const status = f.status === 'fail' && f.waiver ? 'waived' : f.status;
  const evidence = f.status === 'fail' ? f.evidence : f.status === 'not-evaluated' ? f.reasons : [];
  const controls = Object.entries(f.rule.controls).flatMap(([fw, ids]) => ids.map((id) => `${fw} ${id}`));
  return [f.rule.id, f.severity, f.classification ?? '', resourceKey(f.resource), f.resource.name, f.resource.provider, f.resource.account, f.resource.region, status, evidence.join('; '), controls.join('; ')].map(field).join(',');
}

/**
 * The audit as CSV for spreadsheets, one row per finding (failures, waived failures, rules not
 * evaluated and, unless `includePassed` is false, passes), with a header row; lines end in CRLF
 * as RFC 4180 says. Made one row at a time, so an estate of any size is written in pieces.
 */
export function* csvChunks(result: AuditReport, options: { includePassed?: boolean } = {}): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for (const f of inReportOrder(result.findings)) {
    if (f.status === 'pass' && options.includePassed === false) continue;
    yield `${row(f)}\r\n`;
  }
}
