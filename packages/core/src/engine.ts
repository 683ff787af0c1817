import { DATA_CLASSIFICATIONS, DEFAULT_CLASSIFICATION_TAGS, classify, isDataClassification, rank, severityFor, type ClassificationTag, type DataClassification } from './classification.js';
import { isUnknownFact, resourceKey, resourceLabel, type Fact, severityRank, type CollectionNotice, type Resource, type ResourceKind, type ScopeStatus, type Severity } from './model.js';
import { FALSE, TRUE, UNKNOWN } from './policy/condition.js';
import type { Framework, PolicySet, Rule } from './policy/load.js';

interface FindingBase {
  rule: Rule;
  resource: Resource;
  /**
   * The finding's severity: the rule's, raised by its `escalate` for the resource's data
   * classification. Reports, `--fail-on` and the verdict read this, not `rule.severity`.
   */
  severity: Severity;
  /** The classification of the resource's data, when a tag or label gives one. */
  classification?: DataClassification;
  /**
   * Set when the resource's tags could not be read and the rule raises its severity for some
   * classification: the highest severity the finding could have. The verdict treats a failure or a
   * not-evaluated rule below the threshold, whose potential severity reaches it, as not evaluated.
   */
  potentialSeverity?: Severity;
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
  /** Tags that classify data, besides the defaults and the policy packs' (the config file's `classification`). */
  classificationTags?: ClassificationTag[];
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
  // Every resource's data classification is a fact, computed once here from its tags, so rules may
  // test it and findings carry it; a copy, so the caller's resources are left as they were.
  const mappings = [...DEFAULT_CLASSIFICATION_TAGS, ...options.policies.classificationTags, ...(options.classificationTags ?? [])];
  const classified = classifyEstate(options.resources, mappings);
  const resources = options.resources.map((r) => ({ ...r, facts: { ...r.facts, dataClassification: classified.get(r) ?? classifyResource(r, mappings) } }));
  const byKind = new Map<string, Resource[]>();
  for (const r of resources) {
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
    resources,
    frameworks: frameworkIds.map((id) => options.policies.frameworks[id]).filter((f): f is Framework => f !== undefined),
    notices: options.notices ?? [],
    scopes: options.scopes ?? [],
    summary: summarize(findings, resources.length, rules.length),
  };
}

/**
 * A resource's `dataClassification` fact. When some tags could not be read it is unknown, unless the
 * tags that were read already say PHI: no unread tag can make data more sensitive than that.
 */
function classifyResource(resource: Resource, mappings: readonly ClassificationTag[]): Fact {
  const known = classify(resource, mappings);
  if (resource.tagsUnknown === undefined || known.value === DATA_CLASSIFICATIONS[0]) return known;
  return { unknown: `tags could not be read: ${resource.tagsUnknown}` };
}

/**
 * The classification of every resource that holds another's data (`dataFrom`): the most sensitive of
 * its own and its sources', followed through copies of copies. A source not in the estate adds nothing
 * (it may be deleted); a source whose classification is unknown makes this one unknown unless it is PHI.
 */
function classifyEstate(resources: readonly Resource[], mappings: readonly ClassificationTag[]): Map<Resource, Fact> {
  const out = new Map<Resource, Fact>();
  if (!resources.some((r) => r.dataFrom?.length)) return out;
  const byKey = new Map<string, Resource>();
  for (const r of resources) {
    byKey.set(r.id, r);
    if (r.address) byKey.set(r.address, r);
  }
  const resolve = (r: Resource, path: Set<Resource>): Fact => {
    const done = out.get(r);
    if (done) return done;
    let best = classifyResource(r, mappings);
    path.add(r);
    for (const key of r.dataFrom ?? []) {
      if (!isUnknownFact(best) && best.value === DATA_CLASSIFICATIONS[0]) break;
      const source = byKey.get(key);
      if (!source || path.has(source)) continue;
      const inherited = resolve(source, path);
      if (isUnknownFact(inherited)) {
        best = { unknown: `the data comes from ${resourceLabel(source)}, whose ${inherited.unknown}` };
        continue;
      }
      if (!isDataClassification(inherited.value)) continue;
      if (isUnknownFact(best) ? inherited.value === DATA_CLASSIFICATIONS[0] : !isDataClassification(best.value) || rank(inherited.value) < rank(best.value)) {
        best = { value: inherited.value, evidence: inherited.evidence.map((e) => `${e} on ${resourceLabel(source)}, whose data it holds`) };
      }
    }
    path.delete(r);
    out.set(r, best);
    return best;
  };
  for (const r of resources) resolve(r, new Set());
  return out;
}

/** One rule against one resource; undefined when the rule does not apply. */
export function evaluate(rule: Rule, resource: Resource): Finding | undefined {
  const where = rule.where;
  const graded = grade(rule, resource);
  if (where) {
    const scope = where.test(resource);
    if (scope === FALSE) return undefined;
    if (scope === UNKNOWN) return notEvaluated(rule, resource, graded, (into) => where.explain(resource, UNKNOWN, into));
  }
  const verdict = rule.assert.test(resource);
  if (verdict === TRUE) return { status: 'pass', rule, resource, ...graded };
  if (verdict === UNKNOWN) return notEvaluated(rule, resource, graded, (into) => rule.assert.explain(resource, UNKNOWN, into));
  const facts = new Set<string>();
  rule.assert.explain(resource, FALSE, facts);
  const evidence: string[] = [];
  for (const name of facts) {
    const fact = resource.facts[name];
    if (fact && !isUnknownFact(fact)) for (const e of fact.evidence) if (!evidence.includes(e)) evidence.push(e);
  }
  return { status: 'fail', rule, resource, ...graded, message: rule.message(resource), evidence, facts: [...facts] };
}

// At equal severity and sensitivity, where the data itself lies comes first: a bucket or a snapshot
// gives its contents to whoever finds it, a database still asks for credentials, a firewall or an
// account setting is a path to the data rather than the data.
const KIND_URGENCY: readonly ResourceKind[] = ['storage-bucket', 'snapshot', 'storage-account', 'database-instance', 'database', 'compute-instance', 'network-firewall', 'account'];

/**
 * Orders findings most urgent first: by severity, then the most sensitive data (a public bucket of
 * PHI before one of marketing images), then where the data lies, then what was severe before any
 * raise (a public read before a public listing), then by rule id and resource.
 */
export function byUrgency(a: Finding, b: Finding): number {
  const sensitivity = (f: Finding) => (f.classification ? rank(f.classification) : DATA_CLASSIFICATIONS.length);
  const place = (f: Finding) => KIND_URGENCY.indexOf(f.resource.kind);
  return severityRank(b.severity) - severityRank(a.severity) || sensitivity(a) - sensitivity(b) || place(a) - place(b) || severityRank(b.rule.severity) - severityRank(a.rule.severity) || a.rule.id.localeCompare(b.rule.id) || resourceKey(a.resource).localeCompare(resourceKey(b.resource));
}

type Grade = Pick<FindingBase, 'severity' | 'classification' | 'potentialSeverity'>;

/**
 * Findings in the order reports list them: unwaived failures most urgent first (see `byUrgency`),
 * then waived failures, not-evaluated findings and passes. A copy; the audit's order is left alone.
 */
export function inReportOrder(findings: readonly Finding[]): Finding[] {
  const group = (f: Finding) => (f.status === 'fail' ? (f.waiver ? 1 : 0) : f.status === 'not-evaluated' ? 2 : 3);
  return [...findings].sort((a, b) => group(a) - group(b) || byUrgency(a, b));
}

/**
 * A finding's severity and classification, from the resource's `dataClassification` fact. An unknown
 * classification keeps the rule's severity and records the highest one its escalation could give.
 */
function grade(rule: Rule, resource: Resource): Grade {
  const fact = resource.facts.dataClassification;
  if (fact && isUnknownFact(fact)) {
    const potential = DATA_CLASSIFICATIONS.map((c) => severityFor(rule.severity, rule.escalate, c)).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a), rule.severity);
    return { severity: rule.severity, ...(potential !== rule.severity ? { potentialSeverity: potential } : {}) };
  }
  const classification = fact && isDataClassification(fact.value) ? fact.value : undefined;
  return { severity: severityFor(rule.severity, rule.escalate, classification), ...(classification ? { classification } : {}) };
}

function notEvaluated(rule: Rule, resource: Resource, graded: Grade, explain: (into: Set<string>) => void): NotEvaluatedFinding {
  const facts = new Set<string>();
  explain(facts);
  const reasons: string[] = [];
  for (const name of facts) {
    const fact = resource.facts[name];
    const reason = fact === undefined ? `${name}: not collected for this resource` : isUnknownFact(fact) ? `${name}: ${fact.unknown}` : undefined;
    if (reason && !reasons.includes(reason)) reasons.push(reason);
  }
  return { status: 'not-evaluated', rule, resource, ...graded, reasons };
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
      summary.failBySeverity[f.severity]++;
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
      severityRank(f.severity) >= threshold &&
      (!options.onlyNew || f.baselineState === undefined || f.baselineState === 'new'),
  );
}
