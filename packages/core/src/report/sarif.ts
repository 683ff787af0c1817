import type * as sarif from 'sarif';
import type { AuditReport } from '../audit-report.js';
import type { BaselineComparison } from '../baseline.js';
import { inReportOrder, type FailFinding, type NotEvaluatedFinding } from '../engine.js';
import { classificationEvidence, classificationUnknown } from '../classification.js';
import { anchorOf, fingerprint, fingerprints } from '../finding-identity.js';
import { resourceKey, type ScopeAnchor, type Severity } from '../model.js';
import type { Rule } from '../policy/load.js';

const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const INFORMATION_URI = 'https://github.com/leakproof/leakproof';

/** How the SARIF log is written: the tool version, the code-scanning category and how much to list. */
export interface SarifOptions {
  toolVersion: string;
  /** Code-scanning category; becomes `automationDetails.id` as `<category>/`. Default `leakproof`. */
  category?: string;
  /** How many not-evaluated resources to name per rule in notifications (default 20). */
  maxNotEvaluatedListed?: number;
}

/**
 * A result as leakproof writes it: a SARIF result (`sarif.Result` of `@types/sarif`) that always has
 * its rule id, its fingerprints and a location.
 */
export type SarifResult = sarif.Result & {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  locations: sarif.Location[];
};

/** leakproof's one run: a SARIF run whose results are all there. */
export type SarifRun = Omit<sarif.Run, 'results'> & { results: SarifResult[] };

/**
 * The SARIF log of an audit (`sarif.Log` of `@types/sarif`), with exactly one run, so that
 * `log.runs[0].results` needs no check.
 */
export type SarifLog = Omit<sarif.Log, 'runs'> & { runs: [SarifRun] };

/** The SARIF log of an audit: one run, one result per failure, notifications for what was not audited. */
export function toSarif(result: AuditReport, options: SarifOptions): SarifLog {
  const log = toSarifStream(result, options);
  const [run] = log.runs;
  return { ...log, runs: [{ ...run, results: [...run.results] }] };
}

/** A SARIF log whose one run's `results` is made one result at a time as it is read (see `jsonChunks`). */
export type SarifLogStream = Omit<SarifLog, 'runs'> & { runs: [Omit<SarifRun, 'results'> & { results: Iterable<SarifResult> }] };

/**
 * The same log as `toSarif`, with the results as an iterable made while it is written: a large
 * estate's results never exist all at once. Each iteration makes them afresh.
 */
export function toSarifStream(result: AuditReport, options: SarifOptions): SarifLogStream {
  const ruleIndex = new Map<string, number>();
  const rules = result.rules.map((rule, i) => {
    ruleIndex.set(rule.id, i);
    return sarifRule(rule);
  });
  const notEvaluated = new Map<string, NotEvaluatedFinding[]>();
  for (const f of result.findings) {
    if (f.status !== 'not-evaluated') continue;
    const list = notEvaluated.get(f.rule.id);
    if (list) list.push(f);
    else notEvaluated.set(f.rule.id, [f]);
  }
  const results: Iterable<SarifResult> = {
    *[Symbol.iterator]() {
      for (const f of inReportOrder(result.findings)) if (f.status === 'fail') yield sarifResult(f, ruleIndex.get(f.rule.id) ?? -1, result.anchors);
      if (result.baseline) yield* baselineResults(result.baseline, ruleIndex);
    },
  };
  const notifications: sarif.Notification[] = result.notices.map((n) => ({
    level: n.level,
    message: { text: endSentence(n.message) },
    descriptor: { id: n.call ? 'collection-error' : 'collection-note' },
    ...(n.call || n.permission || n.resourceId
      ? { properties: omitUndefined({ call: n.call, permission: n.permission, resourceId: n.resourceId, facts: n.facts, provider: n.provider, account: n.account, region: n.region }) }
      : {}),
  }));
  const listed = options.maxNotEvaluatedListed ?? 20;
  for (const [ruleId, findings] of notEvaluated) {
    const names = findings.slice(0, listed).map((f) => `${resourceKey(f.resource)} (${f.reasons.join('; ')})`);
    const more = findings.length > listed ? ` and ${findings.length - listed} more` : '';
    notifications.push({
      level: 'warning',
      message: { text: `Rule ${ruleId} was not evaluated for ${findings.length} resource(s): ${names.join(', ')}${more}.` },
      descriptor: { id: 'not-evaluated' },
      associatedRule: { id: ruleId, index: ruleIndex.get(ruleId) ?? -1 },
    });
  }
  // A scope that was asked for and not (fully) audited is an unsuccessful execution, one error each.
  const short = result.scopes.filter((s) => s.status !== 'audited');
  for (const s of short) {
    notifications.push({
      level: 'error',
      message: { text: endSentence(`${s.provider} ${s.kind} ${s.id} was ${s.status === 'partial' ? 'only partly audited' : 'not audited'}${s.reasons.length ? `: ${s.reasons.join('; ')}` : ''}`) },
      descriptor: { id: 'scope-not-audited' },
      properties: omitUndefined({ provider: s.provider, scope: s.id, status: s.status, account: s.account, region: s.region }),
    });
  }
  const complete = short.length === 0 && !result.notices.some((n) => n.fatal) && (result.verdict ? result.verdict.incomplete.length === 0 : true);
  const category = (options.category ?? 'leakproof').replace(/\/+$/, '');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leakproof',
            fullName: 'leakproof cloud exposure auditor',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        automationDetails: { id: `${category}/` },
        invocations: [{ executionSuccessful: complete, toolExecutionNotifications: notifications }],
        results,
        properties: {
          summary: result.summary,
          ...(result.verdict ? { verdict: result.verdict.verdict, ...(result.verdict.incomplete.length ? { incomplete: result.verdict.incomplete } : {}) } : {}),
        },
      },
    ],
  };
}

/** Results for baseline failures: those that no longer fail, then those this run could not re-check. */
function* baselineResults(baseline: BaselineComparison, ruleIndex: Map<string, number>): Generator<SarifResult> {
  const indexOf = (ruleId: string) => {
    const index = ruleIndex.get(ruleId);
    return index === undefined ? {} : { ruleIndex: index };
  };
  // Baseline failures that no longer fail: kind "pass", so that consumers close rather than open them.
  for (const e of baseline.absent) {
    yield {
      ruleId: e.ruleId,
      ...indexOf(e.ruleId),
      kind: 'pass',
      level: 'none',
      baselineState: 'absent',
      message: { text: endSentence(`No longer fails: ${stripPeriod(e.message)}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: e.location?.uri ?? 'policies' }, region: { startLine: e.location?.line ?? 1 } },
          ...(e.resourceId ? { logicalLocations: [{ fullyQualifiedName: e.resourceId, kind: 'resource' }] } : {}),
        },
      ],
      partialFingerprints: fingerprints(e.fingerprint),
    };
  }
  // Baseline failures this run could not re-check stay open, said so, at their old level.
  for (const e of baseline.unverified) {
    yield {
      ruleId: e.ruleId,
      ...indexOf(e.ruleId),
      kind: 'fail',
      level: e.level === 'error' || e.level === 'warning' || e.level === 'note' ? e.level : 'warning',
      baselineState: 'unchanged',
      message: { text: endSentence(`Not re-checked in this run (${stripPeriod(e.reason)}); it failed before: ${stripPeriod(e.message)}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: e.location?.uri ?? 'policies' }, region: { startLine: e.location?.line ?? 1 } },
          ...(e.resourceId ? { logicalLocations: [{ fullyQualifiedName: e.resourceId, kind: 'resource' }] } : {}),
        },
      ],
      partialFingerprints: fingerprints(e.fingerprint),
    };
  }
}

function sarifRule(rule: Rule): sarif.ReportingDescriptor {
  const controlTags = Object.entries(rule.controls).flatMap(([fw, ids]) => ids.map((id) => `${fw}/${id}`));
  const controlLines = Object.entries(rule.controls).map(([fw, ids]) => `- **${fw.toUpperCase()}**: ${ids.join(', ')}`);
  const markdown = [
    `**${rule.title}**`,
    '',
    rule.description,
    '',
    '**Remediation**',
    '',
    rule.remediation,
    '',
    '**Controls**',
    '',
    ...controlLines,
    ...(rule.references.length ? ['', '**References**', '', ...rule.references.map((r) => `- <${r}>`)] : []),
  ].join('\n');
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: endSentence(rule.title) },
    fullDescription: { text: endSentence(rule.description) },
    help: { text: endSentence(`${rule.description} Remediation: ${rule.remediation}`), markdown },
    helpUri: rule.references[0] ?? `${INFORMATION_URI}#rules`,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'cloud', ...Object.keys(rule.controls), ...controlTags],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      problem: { severity: rule.severity === 'critical' || rule.severity === 'high' ? 'error' : rule.severity === 'medium' ? 'warning' : 'recommendation' },
      resourceKind: rule.kind,
    },
  };
}

/** The SARIF message of a failure: the rule's message, then the evidence chain. */
export function sarifMessage(f: FailFinding): string {
  let text = `${stripPeriod(f.message)}.`;
  if (f.evidence.length) text += ` Evidence: ${stripPeriod(f.evidence.join('; '))}.`;
  if (f.classification) {
    const said = classificationEvidence(f);
    text += ` Data classification: ${f.classification.toUpperCase()}${said.length ? ` (${said.join('; ')})` : ''}${f.severity !== f.rule.severity ? `, so the severity is ${f.severity}, raised from ${f.rule.severity}` : ''}.`;
  }
  const unread = classificationUnknown(f);
  if (f.potentialSeverity && unread !== undefined) text += ` Data classification unknown (${stripPeriod(unread)}), so the severity could be up to ${f.potentialSeverity}.`;
  if (f.expiredWaiver) text += ` A waiver for this finding expired on ${f.expiredWaiver.expires} (${f.expiredWaiver.source}).`;
  return text;
}

function sarifResult(f: FailFinding, ruleIndex: number, anchors: readonly ScopeAnchor[] | undefined): SarifResult {
  const anchor = anchorOf(f, anchors);
  const result: SarifResult = {
    ruleId: f.rule.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: sarifMessage(f) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: anchor.uri }, region: { startLine: anchor.line } },
        // A planned resource is known by its Terraform address; the cloud name is in the message.
        logicalLocations: [{ fullyQualifiedName: resourceKey(f.resource), name: f.resource.name, kind: 'resource' }],
      },
    ],
    partialFingerprints: fingerprints(fingerprint(f.rule.id, resourceKey(f.resource))),
    // Evidence is in the message and severity on the rule; repeating them per result only grows the file.
    properties: {
      resourceKind: f.resource.kind,
      provider: f.resource.provider,
      account: f.resource.account,
      region: f.resource.region,
      ...(f.resource.address ? { resourceId: f.resource.id } : {}),
      // GitHub reads security-severity from the rule only; the raised one is kept here for other consumers.
      ...(f.classification ? { classification: f.classification, severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity] } : {}),
    },
  };
  if (f.baselineState) result.baselineState = f.baselineState;
  if (f.waiver) {
    result.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: `${f.waiver.reason} (owner: ${f.waiver.owner}; expires ${f.waiver.expires}; ${f.waiver.source})`,
      },
    ];
  }
  return result;
}

function stripPeriod(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

function endSentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function omitUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
