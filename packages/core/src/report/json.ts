import type { AuditReport } from '../audit-report.js';
import { inReportOrder, type AuditResult, type Finding } from '../engine.js';
import { resourceKey } from '../model.js';
import { anchorOf, fingerprint } from '../finding-identity.js';

/** One finding as the JSON report writes it. */
export interface JsonFinding {
  status: Finding['status'];
  ruleId: string;
  title: string;
  /** The finding's severity: the rule's, raised by the classification of the resource's data. */
  severity: string;
  /** The rule's own severity, when the classification raised it. */
  ruleSeverity?: string;
  /** The classification of the resource's data, when a tag or label gives one. */
  classification?: string;
  /** The highest severity the finding could have, when the resource's tags could not be read. */
  potentialSeverity?: string;
  resourceId: string;
  resourceName: string;
  /** The Terraform address of a planned resource. */
  address?: string;
  resourceKind: string;
  provider: string;
  account: string;
  region: string;
  controls: Record<string, string[]>;
  fingerprint: string;
  location: { uri: string; line: number };
  message?: string;
  evidence?: string[];
  reasons?: string[];
  waiver?: { owner: string; reason: string; expires: string; source: string };
  expiredWaiver?: { owner: string; reason: string; expires: string; source: string };
  baselineState?: string;
}

/** The JSON report (`--format json`). */
export interface JsonReport {
  tool: { name: 'leakproof'; version: string };
  /** `pass`, `fail` or `incomplete`, when the run was judged; `incomplete` lists why. */
  verdict?: { verdict: string; failOn: string; incomplete: string[]; incompleteAccepted?: boolean };
  summary: AuditResult['summary'];
  notices: AuditResult['notices'];
  /** The scopes the collectors were asked to audit, with their status. */
  scopes: AuditResult['scopes'];
  findings: JsonFinding[];
  /** With a baseline: earlier failures re-checked and fixed, and those that could not be re-checked. */
  baseline?: { fixed: Array<{ ruleId: string; resourceId?: string; fingerprint: string }>; notRechecked: Array<{ ruleId: string; resourceId?: string; fingerprint: string; reason: string }> };
}

/** Every finding, including passes, as plain data for scripts and dashboards. */
export function toJsonReport(result: AuditReport, toolVersion: string, options: { includePassed?: boolean } = {}): JsonReport {
  return reportWith(result, toolVersion, [...jsonFindings(result, options)]);
}

/**
 * The JSON report with its findings as a generator, made one at a time while written (see `jsonChunks`):
 * the same document as `toJsonReport`, without holding every row in memory.
 */
export function toJsonReportStream(result: AuditReport, toolVersion: string, options: { includePassed?: boolean } = {}): Omit<JsonReport, 'findings'> & { findings: Iterable<JsonFinding> } {
  return reportWith(result, toolVersion, jsonFindings(result, options));
}

function* jsonFindings(result: AuditReport, options: { includePassed?: boolean }): Generator<JsonFinding> {
  for (const f of inReportOrder(result.findings)) {
    if (f.status === 'pass' && options.includePassed === false) continue;
    const base: JsonFinding = {
      status: f.status,
      ruleId: f.rule.id,
      title: f.rule.title,
      severity: f.severity,
      ...(f.severity !== f.rule.severity ? { ruleSeverity: f.rule.severity } : {}),
      ...(f.classification ? { classification: f.classification } : {}),
      ...(f.potentialSeverity ? { potentialSeverity: f.potentialSeverity } : {}),
      resourceId: f.resource.id,
      resourceName: f.resource.name,
      ...(f.resource.address ? { address: f.resource.address } : {}),
      resourceKind: f.resource.kind,
      provider: f.resource.provider,
      account: f.resource.account,
      region: f.resource.region,
      controls: f.rule.controls,
      fingerprint: fingerprint(f.rule.id, resourceKey(f.resource)),
      location: anchorOf(f, result.anchors),
    };
    if (f.status === 'fail') {
      base.message = f.message;
      base.evidence = f.evidence;
      if (f.waiver) base.waiver = f.waiver;
      if (f.expiredWaiver) base.expiredWaiver = f.expiredWaiver;
      if (f.baselineState) base.baselineState = f.baselineState;
    } else if (f.status === 'not-evaluated') {
      base.reasons = f.reasons;
    }
    yield base;
  }
}

function reportWith<F>(result: AuditReport, toolVersion: string, findings: F): Omit<JsonReport, 'findings'> & { findings: F } {
  const v = result.verdict;
  const strip = (e: { ruleId: string; resourceId?: string; fingerprint: string }) => ({ ruleId: e.ruleId, ...(e.resourceId ? { resourceId: e.resourceId } : {}), fingerprint: e.fingerprint });
  return {
    tool: { name: 'leakproof', version: toolVersion },
    ...(v ? { verdict: { verdict: v.verdict, failOn: v.failOn, incomplete: v.incomplete, ...(v.incompleteAccepted ? { incompleteAccepted: true } : {}) } } : {}),
    summary: result.summary,
    notices: result.notices,
    scopes: result.scopes,
    findings,
    ...(result.baseline
      ? { baseline: { fixed: result.baseline.absent.map(strip), notRechecked: result.baseline.unverified.map((e) => ({ ...strip(e), reason: e.reason })) } }
      : {}),
  };
}
