import { noticesBesideVerdict, type AuditReport } from '../audit-report.js';
import { SEVERITIES, resourceLabel, type Severity } from '../model.js';
import type { AuditVerdict } from '../audit-verdict.js';
import { byUrgency, type FailFinding, type NotEvaluatedFinding } from '../engine.js';
import { complianceByFramework } from './compliance.js';
import { joinLines } from './lines.js';

/** How the console report is printed: colour, the width to fit, which severities, how much evidence. */
export interface ConsoleOptions {
  color: boolean;
  /** Terminal width; every line is cut to fit, ending in `…`, never wrapped. Without it nothing is cut (logs, files). */
  width?: number;
  /** Show only failures and unevaluated rules of these severities (default: all). Counts and the verdict stay whole. */
  severities?: readonly Severity[];
  /** Evidence under every failure; by default only under critical and high ones. */
  verbose?: boolean;
}

/** How many unevaluated rule/resource pairs are listed before "and N more". */
const NOT_EVALUATED_LISTED = 20;

/**
 * Colour only on a TTY and never when NO_COLOR is set (https://no-color.org): any non-empty value
 * disables it. FORCE_COLOR=0 (or false) turns it off too; any other FORCE_COLOR turns it on for CI
 * logs that render ANSI.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const CODES = { red: [31, 39], yellow: [33, 39], blue: [34, 39], dim: [2, 22], bold: [1, 22], green: [32, 39], alarm: ['1;97;41', '22;39;49'] } as const;
type Style = keyof typeof CODES;

// Critical reads as the most alarming: bold white on red; then red, yellow, blue, and dim for info.
const SEVERITY_STYLE: Record<Severity, Style> = { critical: 'alarm', high: 'red', medium: 'yellow', low: 'blue', info: 'dim' };

// The SGR escape sequences this module writes (ESC [ … m), built from a string so no regex literal holds a control character.
const ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const ESCAPE_AT_START = new RegExp(`^${String.fromCharCode(27)}\\[[0-9;]*m`);

/** A line without its escape codes: what takes room on the terminal. */
const visible = (line: string): string => line.replace(ESCAPE, '');

/** A table of failures, most severe first, then a one-line summary. */
export function toConsoleTable(result: AuditReport, options: ConsoleOptions): string {
  return [...consoleLines(result, options)].join('\n');
}

/** The console report in pieces of text, made while written: `toConsoleTable` without holding it whole. */
export function consoleChunks(result: AuditReport, options: ConsoleOptions): Iterable<string> {
  return joinLines(consoleLines(result, options));
}

/** The report's lines, each cut to the width when one is given; the last is empty, so that joined they end with a newline. */
function* consoleLines(result: AuditReport, options: ConsoleOptions): Generator<string> {
  const width = options.width ?? Number.POSITIVE_INFINITY;
  for (const line of rawLines(result, options)) yield fit(line, width);
}

function* rawLines(result: AuditReport, options: ConsoleOptions): Generator<string> {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const shown = (severity: Severity) => !options.severities || options.severities.includes(severity);
  const failures = result.findings.filter((f): f is FailFinding => f.status === 'fail' && shown(f.severity)).sort(byUrgency);
  if (failures.length > 0) {
    yield* failureLines(failures, options, width, paint);
    yield '';
  }
  const notEvaluated = result.findings.filter((f): f is NotEvaluatedFinding => f.status === 'not-evaluated' && shown(f.severity)).sort(byUrgency);
  if (notEvaluated.length > 0) {
    yield paint('bold', 'NOT EVALUATED (unknown is not a pass)');
    for (const f of notEvaluated.slice(0, NOT_EVALUATED_LISTED)) yield `${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(8))}  ${f.rule.id} on ${resourceCell(f)}: ${f.reasons.join('; ')}`;
    if (notEvaluated.length > NOT_EVALUATED_LISTED) yield `… and ${notEvaluated.length - NOT_EVALUATED_LISTED} more (see the JSON or SARIF report)`;
    yield '';
  }
  const s = result.summary;
  yield SEVERITIES.map((sev) => {
    const n = s.failBySeverity[sev];
    const text = `${sev} ${n}`;
    return n > 0 ? paint(SEVERITY_STYLE[sev], text) : text;
  }).join('  ·  ');
  for (const fw of complianceByFramework(result)) {
    const failed = fw.controls.filter((c) => c.failed > 0).length;
    const unknown = fw.controls.filter((c) => c.failed === 0 && c.notEvaluated > 0).length;
    const passed = fw.controls.length - failed - unknown;
    yield `${fw.title}: ${fw.controls.length} controls, ${paint(failed ? 'red' : 'green', `${failed} failed`)}, ${unknown ? paint('yellow', `${unknown} not evaluated`) : '0 not evaluated'}, ${passed} passed`;
  }
  const summary = `${s.resources} resources, ${s.rules} rules: ${s.fail} failed, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived`;
  yield s.fail > 0 ? paint('red', summary) : paint('green', summary);
  for (const n of noticesBesideVerdict(result)) yield paint(n.level === 'error' ? 'red' : 'yellow', `${n.level}: ${n.message}`);
  if (result.verdict) {
    const v = result.verdict;
    yield* verdictLines(v).map((l, i) => (i === 0 ? paint(v.verdict === 'pass' && !v.incompleteAccepted ? 'green' : v.verdict === 'fail' ? 'red' : 'yellow', paint('bold', l)) : l));
  }
  yield '';
}

/** The least room a table row may leave for the finding; with less, each failure takes two lines instead. */
const MESSAGE_ROOM = 50;

const INDENT = ' '.repeat(10);

type Paint = (style: Style, text: string) => string;

/**
 * The failures as a table (severity, rule, resource, finding) when the terminal leaves the finding
 * room; otherwise each on two lines, the severity, rule and resource, then the finding under them.
 * Evidence follows, indented, under critical and high ones (every one with `verbose`).
 */
function* failureLines(failures: readonly FailFinding[], options: ConsoleOptions, width: number, paint: Paint): Generator<string> {
  // Widths in a first pass and rows in a second, so no row is held: a large estate has many.
  // A loop, not Math.max(...rows): spreading a large estate's rows into one call overflows the stack.
  let ruleWidth = 0;
  let resourceWidth = 0;
  for (const f of failures) {
    ruleWidth = Math.max(ruleWidth, f.rule.id.length);
    resourceWidth = Math.max(resourceWidth, resourceCell(f).length);
  }
  // On a narrower terminal the rule and resource columns give way first, down to 12 characters.
  const room = Number.isFinite(width) ? Math.max(24, width - 8 - 6 - MESSAGE_ROOM) : Number.POSITIVE_INFINITY;
  const ruleCol = Math.min(ruleWidth, Math.max(12, Math.floor(room / 2)));
  const resourceCol = Math.min(48, resourceWidth, Math.max(12, room - ruleCol));
  const used = 8 + ruleCol + resourceCol + 6;
  const stacked = width - used < MESSAGE_ROOM;
  const severityCell = (f: FailFinding) => {
    const sev = (f.waiver ? 'waived' : f.severity).padEnd(8);
    return f.waiver ? paint('dim', sev) : paint(SEVERITY_STYLE[f.severity], sev);
  };
  const finding = (f: FailFinding) => `${f.classification ? `[${f.classification.toUpperCase()}] ` : f.potentialSeverity ? '[DATA?] ' : ''}${f.message}`;
  if (stacked) {
    yield paint('bold', 'SEVERITY  RULE  RESOURCE');
    yield paint('bold', `${INDENT}FINDING`);
  } else {
    yield paint('bold', `${'SEVERITY'.padEnd(8)}  ${'RULE'.padEnd(ruleCol)}  ${'RESOURCE'.padEnd(resourceCol)}  FINDING`);
  }
  for (const f of failures) {
    if (stacked) {
      // Whole here: the line is cut to the width as it is written.
      yield `${severityCell(f)}  ${f.rule.id}  ${resourceCell(f)}`;
      yield `${INDENT}${finding(f)}`;
    } else {
      yield [severityCell(f), truncate(f.rule.id, ruleCol).padEnd(ruleCol), truncate(resourceCell(f), resourceCol).padEnd(resourceCol), finding(f)].join('  ');
    }
    if (options.verbose || (!f.waiver && (f.severity === 'critical' || f.severity === 'high'))) {
      for (const e of f.evidence) yield paint('dim', `${INDENT}↳ ${e}`);
    }
  }
}

/** A line cut to `width` visible characters, ending in `…`; escape codes are kept whole and closed. */
function fit(line: string, width: number): string {
  const plain = visible(line);
  if (plain.length <= width) return line;
  if (plain === line) return truncate(line, width);
  // Cut by visible characters, copying escape sequences through, then reset what was left open.
  let out = '';
  let seen = 0;
  for (let i = 0; i < line.length && seen < width - 1; ) {
    const escape = ESCAPE_AT_START.exec(line.slice(i));
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    out += line.charAt(i);
    seen++;
    i++;
  }
  return `${out}…\u001b[0m`;
}

function resourceCell(f: FailFinding | NotEvaluatedFinding): string {
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
