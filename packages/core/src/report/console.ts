import type { AuditReport } from '../audit-report.js';
import { resourceLabel } from '../model.js';
import type { AuditVerdict } from '../audit-verdict.js';
import { byUrgency, type FailFinding } from '../engine.js';
import { joinLines } from './lines.js';

/** How the console report is printed: with colour or not, and the width to fit. */
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
export function toConsoleTable(result: AuditReport, options: ConsoleOptions): string {
  return [...consoleLines(result, options)].join('\n');
}

/** The console report in pieces of text, made while written: `toConsoleTable` without holding it whole. */
export function consoleChunks(result: AuditReport, options: ConsoleOptions): Iterable<string> {
  return joinLines(consoleLines(result, options));
}

/** The report's lines; the last is empty, so that joined they end with a newline. */
function* consoleLines(result: AuditReport, options: ConsoleOptions): Generator<string> {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail')
    .sort(byUrgency);
  if (failures.length > 0) {
    // Widths in a first pass and rows in a second, so no row is held: a large estate has many.
    // A loop, not Math.max(...rows): spreading a large estate's rows into one call overflows the stack.
    let ruleWidth = 0;
    let resourceWidth = 0;
    for (const f of failures) {
      ruleWidth = Math.max(ruleWidth, f.rule.id.length);
      resourceWidth = Math.max(resourceWidth, resourceCell(f).length);
    }
    const widths = [8, ruleWidth, Math.min(48, resourceWidth)] as const;
    const head = ['SEVERITY', 'RULE', 'RESOURCE', 'FINDING'];
    yield paint('bold', head.map((h, i) => (i < 3 ? h.padEnd(widths[i as 0 | 1 | 2]) : h)).join('  '));
    const used = widths[0] + widths[1] + widths[2] + 6;
    for (const f of failures) {
      const sev = (f.waiver ? 'waived' : f.severity).padEnd(widths[0]);
      const message = truncate(f.classification ? `[${f.classification.toUpperCase()}] ${f.message}` : f.message, Math.max(30, width - used));
      yield [f.waiver ? paint('dim', sev) : paint(SEVERITY_STYLE[f.severity] ?? 'dim', sev), f.rule.id.padEnd(widths[1]), truncate(resourceCell(f), widths[2]).padEnd(widths[2]), message].join('  ');
    }
    yield '';
  }
  const s = result.summary;
  const summary = `${s.resources} resources, ${s.rules} rules: ${s.fail} failed, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived`;
  yield s.fail > 0 ? paint('red', summary) : paint('green', summary);
  // A notice that the verdict gives as a reason for incompleteness is printed there, once.
  const reasons = result.verdict?.incomplete ?? [];
  for (const n of result.notices) if (!reasons.some((r) => r.includes(n.message))) yield paint(n.level === 'error' ? 'red' : 'yellow', `${n.level}: ${n.message}`);
  if (result.verdict) {
    const v = result.verdict;
    yield* verdictLines(v).map((l, i) => (i === 0 ? paint(v.verdict === 'pass' && !v.incompleteAccepted ? 'green' : v.verdict === 'fail' ? 'red' : 'yellow', paint('bold', l)) : l));
  }
  yield '';
}

function resourceCell(f: FailFinding): string {
  return `${f.resource.provider}:${resourceLabel(f.resource)}`;
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
          ? `Verdict: PASS, incomplete accepted by --allow-incomplete (${v.failOn === 'none' ? '--fail-on none: no failure fails the run' : `nothing ${threshold} failed where it looked`})`
          : v.failOn === 'none'
            ? 'Verdict: PASS (--fail-on none: no failure fails the run)'
            : `Verdict: PASS (nothing ${threshold} failed)`;
  return [head, ...v.incomplete.map((r) => `  incomplete: ${r}`)];
}
