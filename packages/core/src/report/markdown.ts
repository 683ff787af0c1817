import { noticesBesideVerdict, type AuditReport } from '../audit-report.js';
import { SEVERITIES, resourceLabel, type Resource } from '../model.js';
import { byUrgency, type AppliedWaiver, type FailFinding } from '../engine.js';
import { complianceByFramework } from './compliance.js';
import { verdictLines } from './console.js';
import { joinLines } from './lines.js';
import { anchorOf } from '../finding-identity.js';

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** How the Markdown report is written. */
export interface MarkdownOptions {
  title?: string;
  /** How many failing resources to list per control (default 10). */
  maxListed?: number;
}

/** A compliance summary per framework control, then every failure with its evidence. */
export function toMarkdown(result: AuditReport, options: MarkdownOptions = {}): string {
  return [...markdownLines(result, options)].join('\n');
}

/** The Markdown report in pieces of text, made while written: `toMarkdown` without holding it whole. */
export function markdownChunks(result: AuditReport, options: MarkdownOptions = {}): Iterable<string> {
  return joinLines(markdownLines(result, options));
}

function* markdownLines(result: AuditReport, options: MarkdownOptions): Generator<string> {
  const s = result.summary;
  const maxListed = options.maxListed ?? 10;
  // Lines are yielded in batches; only the failures section, which grows with the estate, line by line.
  const out: string[] = [];
  out.push(`# ${options.title ?? 'leakproof audit'}`, '');
  out.push(...verdictMarkdown(result));
  out.push(
    `${s.resources} resources, ${s.rules} rules: **${s.fail} failed**, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived.`,
    '',
  );
  for (const fw of complianceByFramework(result)) {
    out.push(`## ${fw.title}`, '', '| Control | Passed | Failed | Not evaluated | Failing resources |', '| --- | ---: | ---: | ---: | --- |');
    for (const c of fw.controls) {
      const names = [...new Set(c.failing.map((f) => resourceLabel(f.resource)))];
      const listed = names.slice(0, maxListed).map((n) => `\`${cell(n)}\``).join(', ') + (names.length > maxListed ? `, +${names.length - maxListed} more` : '');
      out.push(`| ${cell(c.control)} ${c.title ? `— ${cell(c.title)}` : ''} | ${c.passed} | ${c.failed} | ${c.notEvaluated} | ${listed} |`);
    }
    out.push('');
  }
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail' && !f.waiver)
    .sort(byUrgency);
  out.push('## Failures', '');
  if (failures.length === 0) out.push('None.', '');
  yield* out.splice(0);
  for (const f of failures) {
    yield `- **${f.severity.toUpperCase()}** \`${f.rule.id}\` on ${named(f.resource)}${dataOf(f)}${f.baselineState === 'new' ? ' (new)' : ''}: ${f.message}`;
    for (const e of f.evidence) yield `  - ${e}`;
  }
  if (failures.length) out.push('');
  const unverified = result.baseline?.unverified ?? [];
  if (unverified.length) {
    out.push('## Not re-checked', '', 'These failed in the baseline and this run could not check them again, so they are not counted as fixed.', '');
    for (const e of unverified) out.push(`- \`${cell(e.ruleId)}\` on \`${cell(e.resourceId ?? e.fingerprint)}\`: ${cell(e.reason)}`);
    out.push('');
  }
  const waived = result.findings.filter((f): f is FailFinding & { waiver: AppliedWaiver } => f.status === 'fail' && f.waiver !== undefined);
  if (waived.length) {
    out.push('## Waived', '');
    for (const { rule, resource, waiver } of waived) out.push(`- \`${rule.id}\` on ${named(resource)}: ${waiver.reason} (owner ${waiver.owner}, expires ${waiver.expires})`);
    out.push('');
  }
  const notices = noticesBesideVerdict(result);
  if (notices.length) {
    out.push('## Collection notices', '');
    for (const n of notices) out.push(`- ${n.level}: ${n.message}`);
    out.push('');
  }
  yield* out;
}

/** ` (PHI data)` after a classified resource's name, raised severity said: what makes it urgent. */
function dataOf(f: FailFinding): string {
  if (f.potentialSeverity) return ` (data classification unknown, up to ${f.potentialSeverity})`;
  if (!f.classification) return '';
  return ` (${f.classification.toUpperCase()} data${f.severity !== f.rule.severity ? `, raised from ${f.rule.severity}` : ''})`;
}

/** The verdict as the first lines of a Markdown report: the verdict, then why it is incomplete. */
function verdictMarkdown(result: AuditReport): string[] {
  if (!result.verdict) return [];
  const [head, ...reasons] = verdictLines(result.verdict);
  return [`**${cell(head ?? '')}**`, '', ...(reasons.length ? [...reasons.map((r) => `- ${r.trim()}`), ''] : [])];
}

/**
 * The GitHub job summary, in the order a reviewer reads it: the verdict and the threshold, the
 * failures counted per severity (new ones first), then the failures themselves (new first, most
 * severe first) with evidence, remediation and location; how many were not annotated; and the
 * compliance tables and not-evaluated findings folded inside `<details>`.
 */
export function toJobSummary(result: AuditReport, options: { title?: string; maxFindings?: number; notAnnotated?: number } = {}): string {
  const s = result.summary;
  const max = options.maxFindings ?? 50;
  const out: string[] = [`## ${options.title ?? 'leakproof'}`, '', ...verdictMarkdown(result)];
  if (result.verdict) out.push(`Threshold: ${result.verdict.failOn === 'none' ? 'none (no failure fails the run)' : `\`${result.verdict.failOn}\` and above fail the run`}.`, '');
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail' && !f.waiver)
    .sort((a, b) => newRank(a) - newRank(b) || byUrgency(a, b));
  const hasBaseline = failures.some((f) => f.baselineState !== undefined);
  out.push(hasBaseline ? '| Severity | New | Failed |' : '| Severity | Failed |', hasBaseline ? '| --- | ---: | ---: |' : '| --- | ---: |');
  for (const severity of SEVERITIES) {
    const all = failures.filter((f) => f.severity === severity);
    const fresh = all.filter((f) => f.baselineState === 'new').length;
    out.push(hasBaseline ? `| ${severity} | ${fresh ? `**${fresh}**` : 0} | ${all.length} |` : `| ${severity} | ${all.length ? `**${all.length}**` : 0} |`);
  }
  out.push('', `${s.resources} resources, ${s.rules} rules: ${s.fail} failed, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived.`, '');
  if (failures.length) {
    out.push('### Failures', '');
    for (const f of failures.slice(0, max)) {
      const tag = f.baselineState === 'new' ? '🆕 ' : '';
      const anchor = anchorOf(f, result.anchors);
      out.push(`- ${tag}**${f.severity}** \`${f.rule.id}\` on ${named(f.resource)}${dataOf(f)} — \`${cell(anchor.uri)}:${anchor.line}\`: ${f.message}`);
      for (const e of f.evidence) out.push(`  - ${e}`);
      out.push(`  - Remediation: ${f.rule.remediation.trim().replace(/\s*\n\s*/g, ' ')}`);
      if (f.expiredWaiver) out.push(`  - waiver expired on ${f.expiredWaiver.expires} (${f.expiredWaiver.source})`);
    }
    if (failures.length > max) out.push(`- … and ${failures.length - max} more (see the SARIF report)`);
    out.push('');
  }
  if (options.notAnnotated) out.push(`${options.notAnnotated} failure(s) were not annotated: GitHub shows at most 10 annotations of each level per step, so the most severe new ones were chosen. All are listed above and in the SARIF report.`, '');
  const frameworks = complianceByFramework(result);
  if (frameworks.length) {
    out.push('<details><summary>Compliance by control</summary>', '');
    for (const fw of frameworks) {
      out.push(`### ${fw.title}`, '', '| Control | Passed | Failed | Not evaluated |', '| --- | ---: | ---: | ---: |');
      for (const c of fw.controls) out.push(`| ${cell(c.control)}${c.title ? ` ${cell(c.title)}` : ''} | ${c.passed} | ${c.failed ? `**${c.failed}**` : 0} | ${c.notEvaluated} |`);
      out.push('');
    }
    out.push('</details>', '');
  }
  const notEvaluated = result.findings.filter((f) => f.status === 'not-evaluated');
  if (notEvaluated.length) {
    out.push('<details><summary>Not evaluated</summary>', '');
    for (const f of notEvaluated.slice(0, max)) out.push(`- \`${f.rule.id}\` on ${named(f.resource)}: ${f.reasons.join('; ')}`);
    if (notEvaluated.length > max) out.push(`- … and ${notEvaluated.length - max} more`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/** New failures first, then updated ones, then the rest. */
function newRank(f: FailFinding): number {
  return f.baselineState === 'new' ? 0 : f.baselineState === 'updated' ? 1 : 2;
}

/** A resource as reports name it: a planned one by its Terraform address with the cloud name beside it, else by its cloud id. */
function named(resource: Pick<Resource, 'id' | 'name' | 'address'>): string {
  if (!resource.address) return `\`${cell(resource.id)}\``;
  return resource.name && resource.name !== resource.address ? `\`${cell(resource.address)}\` (${cell(resource.name)})` : `\`${cell(resource.address)}\``;
}
