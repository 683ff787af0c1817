import { isUnknownFact, severityRank, type CollectionNotice, type Resource, type ScopeStatus, type Severity } from './model.js';
import { FALSE, TRUE, UNKNOWN } from './policy/condition.js';
import type { Framework, PolicySet, Rule } from './policy/load.js';

interface FindingBase {
  rule: Rule;
  resource: Resource;
}

/** A rule that was evaluated on a resource and held. */
export interface PassFinding extends FindingBase {
  status: 'pass';
}

/** A rule that was evaluated on a resource and failed, with its evidence, waiver and baseline state. */
export interface FailFinding extends FindingBase {
  status: 'fail';
  message: string;
  /** The observations behind the verdict, from the facts that decided it. */
  evidence: string[];
  /** The facts that decided it. */
  facts: string[];
  /** Set when a waiver applies; a waived failure does not fail the run. */
  waiver?: AppliedWaiver;
  /** Set when the only matching waiver has expired: it no longer suppresses, and reports say so. */
  expiredWaiver?: AppliedWaiver;
  /** Set when compared against a baseline. */
  baselineState?: 'new' | 'unchanged' | 'updated';
}

/** A rule that could not be evaluated on a resource, with the reasons (never counted as a pass). */
export interface NotEvaluatedFinding extends FindingBase {
  status: 'not-evaluated';
  /** Why: the facts the rule needs that could not be determined, with their causes. */
  reasons: string[];
}

/** The outcome of one rule on one resource. */
export type Finding = PassFinding | FailFinding | NotEvaluatedFinding;

/** The waiver that accepted a failure: who owns it, why, until when, and where it is declared. */
export interface AppliedWaiver {
  owner: string;
  reason: string;
  expires: string;
  /** Where the waiver is written, e.g. `.leakproof/waivers.yaml:4`. */
  source: string;
}

/** What to audit: the resources, the policies, the frameworks to select rules by, and what collection noticed. */
export interface AuditOptions {
  resources: Resource[];
  policies: PolicySet;
  /** Only rules mapped to at least one of these frameworks (default: every rule). */
  frameworks?: string[];
  notices?: CollectionNotice[];
  /** The scopes the collectors were asked to audit, with how far they got (none for plans and the demo). */
  scopes?: ScopeStatus[];
}

/** The counts of an audit, for summaries and exit codes. */
export interface AuditSummary {
  resources: number;
  rules: number;
  evaluations: number;
  pass: number;
  fail: number;
  notEvaluated: number;
  waived: number;
  failBySeverity: Record<Severity, number>;
}

/** The engine's answer: every finding, the rules and resources it judged, and what collection noticed. */
export interface AuditResult {
  findings: Finding[];
  rules: Rule[];
  resources: Resource[];
  frameworks: Framework[];
  notices: CollectionNotice[];
  /** The scopes the collectors were asked to audit, with their status. */
  scopes: ScopeStatus[];
  summary: AuditSummary;
}

/** The facts the given rules read, by resource kind: collectors use it to make only the calls needed. */
export function factsNeededBy(rules: readonly Rule[]): Partial<Record<Rule['kind'], Set<string>>> {
  const needed: Partial<Record<Rule['kind'], Set<string>>> = {};
  for (const rule of rules) {
    const set = (needed[rule.kind] ??= new Set<string>());
    for (const f of rule.assert.facts) set.add(f);
    for (const f of rule.where?.facts ?? []) set.add(f);
  }
  return needed;
}

/** Rules selected by framework; every rule when no framework is named. */
export function selectRules(policies: PolicySet, frameworks?: string[]): Rule[] {
  if (!frameworks || frameworks.length === 0) return policies.rules;
  return policies.rules.filter((r) => frameworks.some((f) => Object.hasOwn(r.controls, f)));
}

/**
 * Evaluates every applicable rule against every resource of its kind. A rule whose `where` is false
 * does not apply; any unknown fact it depends on gives not-evaluated, never pass.
 */
export function audit(options: AuditOptions): AuditResult {
  const rules = selectRules(options.policies, options.frameworks);
  const byKind = new Map<string, Resource[]>();
  for (const r of options.resources) {
    const list = byKind.get(r.kind);
    if (list) list.push(r);
    else byKind.set(r.kind, [r]);
  }
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const resource of byKind.get(rule.kind) ?? []) {
      const finding = evaluate(rule, resource);
      if (finding) findings.push(finding);
    }
  }
  const frameworkIds = options.frameworks && options.frameworks.length > 0 ? options.frameworks : Object.keys(options.policies.frameworks);
  return {
    findings,
    rules,
    resources: options.resources,
    frameworks: frameworkIds.map((id) => options.policies.frameworks[id]).filter((f): f is Framework => f !== undefined),
    notices: options.notices ?? [],
    scopes: options.scopes ?? [],
    summary: summarize(findings, options.resources.length, rules.length),
  };
}

/** One rule against one resource; undefined when the rule does not apply. */
export function evaluate(rule: Rule, resource: Resource): Finding | undefined {
  const where = rule.where;
  if (where) {
    const scope = where.test(resource);
    if (scope === FALSE) return undefined;
    if (scope === UNKNOWN) return notEvaluated(rule, resource, (into) => where.explain(resource, UNKNOWN, into));
  }
  const verdict = rule.assert.test(resource);
  if (verdict === TRUE) return { status: 'pass', rule, resource };
  if (verdict === UNKNOWN) return notEvaluated(rule, resource, (into) => rule.assert.explain(resource, UNKNOWN, into));
  const facts = new Set<string>();
  rule.assert.explain(resource, FALSE, facts);
  const evidence: string[] = [];
  for (const name of facts) {
    const fact = resource.facts[name];
    if (fact && !isUnknownFact(fact)) for (const e of fact.evidence) if (!evidence.includes(e)) evidence.push(e);
  }
  return { status: 'fail', rule, resource, message: rule.message(resource), evidence, facts: [...facts] };
}

function notEvaluated(rule: Rule, resource: Resource, explain: (into: Set<string>) => void): NotEvaluatedFinding {
  const facts = new Set<string>();
  explain(facts);
  const reasons: string[] = [];
  for (const name of facts) {
    const fact = resource.facts[name];
    const reason = fact === undefined ? `${name}: not collected for this resource` : isUnknownFact(fact) ? `${name}: ${fact.unknown}` : undefined;
    if (reason && !reasons.includes(reason)) reasons.push(reason);
  }
  return { status: 'not-evaluated', rule, resource, reasons };
}

/** Counts of passes, failures, not-evaluated and waived findings, failures by severity. */
export function summarize(findings: Finding[], resources: number, rules: number): AuditSummary {
  const summary: AuditSummary = {
    resources,
    rules,
    evaluations: findings.length,
    pass: 0,
    fail: 0,
    notEvaluated: 0,
    waived: 0,
    failBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  };
  for (const f of findings) {
    if (f.status === 'pass') summary.pass++;
    else if (f.status === 'not-evaluated') summary.notEvaluated++;
    else if (f.waiver) summary.waived++;
    else {
      summary.fail++;
      summary.failBySeverity[f.rule.severity]++;
    }
  }
  return summary;
}

/** Unwaived failures at or above the threshold (optionally only those new against a baseline). */
export function blockingFindings(result: AuditResult, failOn: Severity, options: { onlyNew?: boolean } = {}): FailFinding[] {
  const threshold = severityRank(failOn);
  return result.findings.filter(
    (f): f is FailFinding =>
      f.status === 'fail' &&
      !f.waiver &&
      severityRank(f.rule.severity) >= threshold &&
      (!options.onlyNew || f.baselineState === undefined || f.baselineState === 'new'),
  );
}
