import { resourceLabel, severityRank } from '../model.js';
import type { AuditVerdict } from '../audit-verdict.js';
import type { AuditResult, FailFinding } from '../engine.js';

export interface ConsoleOptions {
  color: boolean;
  /** Terminal width; long messages are cut to fit. Without it nothing is cut (logs, files). */
  width?: number;
}

/**
 * Colour only on a TTY and never when NO_COLOR is set (https://no-color.org): any non-empty value
 * disables it. FORCE_COLOR turns it on for CI logs that render ANSI.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const CODES = { red: [31, 39], yellow: [33, 39], blue: [34, 39], dim: [2, 22], bold: [1, 22], green: [32, 39], magenta: [35, 39] } as const;
type Style = keyof typeof CODES;

const SEVERITY_STYLE: Record<string, Style> = { critical: 'magenta', high: 'red', medium: 'yellow', low: 'blue', info: 'dim' };

/** A table of failures, most severe first, then a one-line summary. */
export function toConsoleTable(result: AuditResult, options: ConsoleOptions): string {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail')
    .sort((a, b) => severityRank(b.rule.severity) - severityRank(a.rule.severity) || a.rule.id.localeCompare(b.rule.id) || resourceLabel(a.resource).localeCompare(resourceLabel(b.resource)));
  const lines: string[] = [];
  if (failures.length > 0) {
    const rows = failures.map((f) => [f.waiver ? 'waived' : f.rule.severity, f.rule.id, `${f.resource.provider}:${resourceLabel(f.resource)}`, f.message]);
    // A loop, not Math.max(...rows): spreading a large estate's rows into one call overflows the stack.
    let ruleWidth = 0;
    let resourceWidth = 0;
    for (const r of rows) {
      ruleWidth = Math.max(ruleWidth, r[1]!.length);
      resourceWidth = Math.max(resourceWidth, r[2]!.length);
    }
    const widths = [8, ruleWidth, Math.min(48, resourceWidth)];
    const head = ['SEVERITY', 'RULE', 'RESOURCE', 'FINDING'];
    lines.push(paint('bold', head.map((h, i) => (i < 3 ? h.padEnd(widths[i]!) : h)).join('  ')));
    for (const [i, row] of rows.entries()) {
      const f = failures[i]!;
      const sev = row[0]!.padEnd(widths[0]!);
      const used = widths[0]! + widths[1]! + widths[2]! + 6;
      const message = truncate(row[3]!, Math.max(30, width - used));
      lines.push(
        [f.waiver ? paint('dim', sev) : paint(SEVERITY_STYLE[f.rule.severity] ?? 'dim', sev), row[1]!.padEnd(widths[1]!), truncate(row[2]!, widths[2]!).padEnd(widths[2]!), message].join('  '),
      );
    }
    lines.push('');
  }
  const s = result.summary;
  const summary = `${s.resources} resources, ${s.rules} rules: ${s.fail} failed, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived`;
  lines.push(s.fail > 0 ? paint('red', summary) : paint('green', summary));
  for (const n of result.notices) lines.push(paint(n.level === 'error' ? 'red' : 'yellow', `${n.level}: ${n.message}`));
  if (result.verdict) lines.push(...verdictLines(result.verdict).map((l, i) => (i === 0 ? paint(result.verdict!.verdict === 'pass' && !result.verdict!.incompleteAccepted ? 'green' : result.verdict!.verdict === 'fail' ? 'red' : 'yellow', paint('bold', l)) : l)));
  return lines.join('\n') + '\n';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** The verdict as lines of text: the verdict first, then why it is incomplete, if it is. */
export function verdictLines(v: AuditVerdict): string[] {
  const threshold = v.failOn === 'none' ? 'no threshold' : `at or above ${v.failOn}`;
  const head =
    v.verdict === 'fail'
      ? `Verdict: FAIL (${v.blocking.length} failure(s) ${threshold}${v.incomplete.length ? '; the audit was also incomplete' : ''})`
      : v.verdict === 'incomplete'
        ? `Verdict: INCOMPLETE (the audit did not look everywhere it was asked to; this is not a pass)`
        : v.incompleteAccepted
          ? `Verdict: PASS, incomplete accepted by --allow-incomplete (nothing ${threshold} failed where it looked)`
          : v.failOn === 'none'
            ? 'Verdict: PASS (--fail-on none: no failure fails the run)'
            : `Verdict: PASS (nothing ${threshold} failed)`;
  return [head, ...v.incomplete.map((r) => `  incomplete: ${r}`)];
}
