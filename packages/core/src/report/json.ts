import type { AuditResult, Finding } from '../engine.js';
import { anchorOf, fingerprint } from './sarif.js';

export interface JsonFinding {
  status: Finding['status'];
  ruleId: string;
  title: string;
  severity: string;
  resourceId: string;
  resourceName: string;
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

export interface JsonReport {
  tool: { name: 'leakproof'; version: string };
  summary: AuditResult['summary'];
  notices: AuditResult['notices'];
  findings: JsonFinding[];
}

/** Every finding, including passes, as plain data for scripts and dashboards. */
export function toJsonReport(result: AuditResult, toolVersion: string, options: { includePassed?: boolean } = {}): JsonReport {
  const findings: JsonFinding[] = [];
  for (const f of result.findings) {
    if (f.status === 'pass' && options.includePassed === false) continue;
    const base: JsonFinding = {
      status: f.status,
      ruleId: f.rule.id,
      title: f.rule.title,
      severity: f.rule.severity,
      resourceId: f.resource.id,
      resourceName: f.resource.name,
      resourceKind: f.resource.kind,
      provider: f.resource.provider,
      account: f.resource.account,
      region: f.resource.region,
      controls: f.rule.controls,
      fingerprint: fingerprint(f.rule.id, f.resource.id),
      location: anchorOf(f),
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
    findings.push(base);
  }
  return { tool: { name: 'leakproof', version: toolVersion }, summary: result.summary, notices: result.notices, findings };
}
