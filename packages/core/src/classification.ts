import type { KnownFact, Resource, Severity } from './model.js';
import { isUnknownFact, severityRank } from './model.js';

/** How sensitive the data a resource holds is, from its tags or labels; most sensitive first. */
export const DATA_CLASSIFICATIONS = ['phi', 'pii', 'confidential', 'public'] as const;

/** A data classification: protected health information, personal data, confidential, or public. */
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** The `dataClassification` fact's value of a resource no tag classifies. */
export const UNCLASSIFIED = 'unclassified';

/**
 * One tag (AWS, Azure) or label (GCP) that classifies the data of the resource it is on. Keys and
 * values match case-insensitively. With `value` and `classification`, that value of the tag gives
 * that classification (`hipaa: true` is `phi`); with the key alone, the tag's own value names the
 * classification (`data: PHI`).
 */
export type ClassificationTag = { key: string; value?: undefined; classification?: undefined } | { key: string; value: string; classification: DataClassification };

/**
 * The documented defaults, always in force; the config file and policy packs add their own. Keys in
 * the spellings each cloud allows (GCP labels are lower case, with `-` and `_` only).
 */
export const DEFAULT_CLASSIFICATION_TAGS: readonly ClassificationTag[] = [
  ...['data-classification', 'data_classification', 'dataclassification', 'classification'].flatMap((key) =>
    DATA_CLASSIFICATIONS.map((classification) => ({ key, value: classification, classification })),
  ),
  { key: 'hipaa', value: 'true', classification: 'phi' },
  { key: 'phi', value: 'true', classification: 'phi' },
  { key: 'pii', value: 'true', classification: 'pii' },
];

/** A rule's severity by the classification of the resource's data (only ever raised, see `severityFor`). */
export type Escalation = Partial<Record<DataClassification, Severity>>;

/**
 * The `dataClassification` fact of a resource: the most sensitive classification its tags give, with
 * the tags that said so as evidence, or `unclassified`.
 */
export function classify(resource: Pick<Resource, 'tags'>, mappings: readonly ClassificationTag[]): KnownFact {
  let best: { classification: DataClassification; evidence: string[] } | undefined;
  for (const [key, value] of Object.entries(resource.tags)) {
    const k = key.toLowerCase();
    const v = value.trim().toLowerCase();
    for (const m of mappings) {
      if (m.key.toLowerCase() !== k) continue;
      const c = m.value === undefined ? DATA_CLASSIFICATIONS.find((name) => name === v) : m.value.toLowerCase() === v ? m.classification : undefined;
      if (c === undefined) continue;
      const said = `tag ${key}=${value}`;
      if (!best || rank(c) < rank(best.classification)) best = { classification: c, evidence: [said] };
      else if (c === best.classification && !best.evidence.includes(said)) best.evidence.push(said);
    }
  }
  return best ? { value: best.classification, evidence: best.evidence } : { value: UNCLASSIFIED, evidence: ['no tag or label classifies its data'] };
}

/** 0 for the most sensitive classification (`phi`). */
export function rank(classification: DataClassification): number {
  return DATA_CLASSIFICATIONS.indexOf(classification);
}

/** Whether a fact value names a classification (not `unclassified`). */
export function isDataClassification(value: unknown): value is DataClassification {
  return typeof value === 'string' && (DATA_CLASSIFICATIONS as readonly string[]).includes(value);
}

/**
 * A finding's severity: the rule's, raised to what its escalation says for the resource's
 * classification. Escalation never lowers a severity: a tag cannot make a finding less urgent.
 */
export function severityFor(base: Severity, escalation: Escalation | undefined, classification: DataClassification | undefined): Severity {
  const raised = classification === undefined ? undefined : escalation?.[classification];
  return raised !== undefined && severityRank(raised) > severityRank(base) ? raised : base;
}

/** Why a finding's resource has no known classification (tags that could not be read), when so. */
export function classificationUnknown(finding: { resource: Pick<Resource, 'facts'> }): string | undefined {
  const fact = finding.resource.facts.dataClassification;
  return fact && isUnknownFact(fact) ? fact.unknown : undefined;
}

/** The tags that gave a finding's resource its classification (the `dataClassification` fact's evidence). */
export function classificationEvidence(finding: { resource: Pick<Resource, 'facts'> }): string[] {
  const fact = finding.resource.facts.dataClassification;
  return fact && 'evidence' in fact ? (fact.evidence ?? []) : [];
}
