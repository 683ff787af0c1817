import { severityRank } from '../model.js';
import type { AuditResult, FailFinding } from '../engine.js';
import { complianceByFramework } from './compliance.js';

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export interface MarkdownOptions {
  title?: string;
  /** How many failing resources to list per control (default 10). */
  maxListed?: number;
}

/** A compliance summary per framework control, then every failure with its evidence. */
export function toMarkdown(result: AuditResult, options: MarkdownOptions = {}): string {
  const s = result.summary;
  const maxListed = options.maxListed ?? 10;
  const out: string[] = [];
  out.push(`# ${options.title ?? 'leakproof audit'}`, '');
  out.push(
    `${s.resources} resources, ${s.rules} rules: **${s.fail} failed**, ${s.pass} passed, ${s.notEvaluated} not evaluated, ${s.waived} waived.`,
    '',
  );
  for (const fw of complianceByFramework(result)) {
    out.push(`## ${fw.title}`, '', '| Control | Passed | Failed | Not evaluated | Failing resources |', '| --- | ---: | ---: | ---: | --- |');
    for (const c of fw.controls) {
      const names = [...new Set(c.failing.map((f) => f.resource.name))];
      const listed = names.slice(0, maxListed).map((n) => `\`${cell(n)}\``).join(', ') + (names.length > maxListed ? `, +${names.length - maxListed} more` : '');
      out.push(`| ${cell(c.control)} ${c.title ? `— ${cell(c.title)}` : ''} | ${c.passed} | ${c.failed} | ${c.notEvaluated} | ${listed} |`);
    }
    out.push('');
  }
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail' && !f.waiver)
    .sort((a, b) => severityRank(b.rule.severity) - severityRank(a.rule.severity) || a.rule.id.localeCompare(b.rule.id));
  out.push('## Failures', '');
  if (failures.length === 0) out.push('None.', '');
  for (const f of failures) {
    out.push(`- **${f.rule.severity.toUpperCase()}** \`${f.rule.id}\` on \`${f.resource.id}\`${f.baselineState === 'new' ? ' (new)' : ''}: ${f.message}`);
    for (const e of f.evidence) out.push(`  - ${e}`);
  }
  if (failures.length) out.push('');
  const waived = result.findings.filter((f): f is FailFinding => f.status === 'fail' && f.waiver !== undefined);
  if (waived.length) {
    out.push('## Waived', '');
    for (const f of waived) out.push(`- \`${f.rule.id}\` on \`${f.resource.id}\`: ${f.waiver!.reason} (owner ${f.waiver!.owner}, expires ${f.waiver!.expires})`);
    out.push('');
  }
  if (result.notices.length) {
    out.push('## Collection notices', '');
    for (const n of result.notices) out.push(`- ${n.level}: ${n.message}`);
    out.push('');
  }
  return out.join('\n');
}
