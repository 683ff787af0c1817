import type { Fact, FactValue, KnownFact } from './model.js';

/**
 * A judgment under incomplete information: true, false or unknown, with the evidence chain behind it.
 * Collectors combine verdicts with Kleene logic, so one denied API call makes only the judgments that
 * truly depend on it unknown (a bucket with IgnorePublicAcls on is not public through its ACL even if
 * the ACL could not be read).
 */
export interface Verdict {
  value: boolean | undefined;
  evidence: string[];
  /** Why the value is unknown (only when value is undefined). */
  unknown?: string[];
}

/** Builders of a normalizer's judgement: a value with evidence, or unknown with the reason. */
export const verdict = {
  of(value: boolean, ...evidence: string[]): Verdict {
    return { value, evidence };
  },
  unknown(reason: string, ...evidence: string[]): Verdict {
    return { value: undefined, evidence, unknown: [reason] };
  },
  /** True when any part is true (its evidence); false when all are false (all evidence). */
  any(...parts: Verdict[]): Verdict {
    const trues = parts.filter((p) => p.value === true);
    if (trues.length) return { value: true, evidence: dedupe(trues.flatMap((p) => p.evidence)) };
    const unknowns = parts.filter((p) => p.value === undefined);
    if (unknowns.length) return { value: undefined, evidence: dedupe(parts.flatMap((p) => p.evidence)), unknown: dedupe(unknowns.flatMap((p) => p.unknown ?? [])) };
    return { value: false, evidence: dedupe(parts.flatMap((p) => p.evidence)) };
  },
  /** True when every part is true (all evidence); false when any is false (its evidence). */
  all(...parts: Verdict[]): Verdict {
    const falses = parts.filter((p) => p.value === false);
    if (falses.length) return { value: false, evidence: dedupe(falses.flatMap((p) => p.evidence)) };
    const unknowns = parts.filter((p) => p.value === undefined);
    if (unknowns.length) return { value: undefined, evidence: dedupe(parts.flatMap((p) => p.evidence)), unknown: dedupe(unknowns.flatMap((p) => p.unknown ?? [])) };
    return { value: true, evidence: dedupe(parts.flatMap((p) => p.evidence)) };
  },
  not(v: Verdict): Verdict {
    return { ...v, value: v.value === undefined ? undefined : !v.value };
  },
  /**
   * An outer guard (an organization policy, account-level Block Public Access) that could not be read,
   * taken as off for judging a grant: a public grant behind it is still reported, and the evidence says
   * which guard was unreadable and that it might neutralise the grant. A known guard is unchanged.
   */
  unreadableGuardAsOff(guard: Verdict, name: string): Verdict {
    if (guard.value !== undefined) return guard;
    const why = (guard.unknown ?? ['it could not be read']).join('; ');
    return { value: false, evidence: [...guard.evidence, `${name} could not be read (${why}); it might neutralise this grant`] };
  },
};

/** A verdict as a snapshot fact. */
export function verdictFact(v: Verdict): Fact {
  return v.value === undefined ? { unknown: (v.unknown ?? ['could not be determined']).join('; '), evidence: v.evidence } : { value: v.value, evidence: v.evidence };
}

/** A plain value as a fact. */
export function fact(value: FactValue, ...evidence: string[]): KnownFact {
  return { value, evidence };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
