import { createHash } from 'node:crypto';
import type { Resource, ScopeAnchor } from './model.js';
import type { Rule } from './policy/load.js';

// How a finding is identified and located, for every report and the baseline: its own module, so that
// the engine, the reporters and the baseline all import it and none of them imports another for it.

/** The key under which results carry leakproof's own stable fingerprint. */
export const FINGERPRINT_KEY = 'leakproofFinding/v1';

/** Stable across runs: the same rule on the same resource always yields the same fingerprint. */
export function fingerprint(ruleId: string, resourceId: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${resourceId}`).digest('hex').slice(0, 32);
}

/** The key GitHub code scanning matches alerts by, besides the location. */
export const LINE_HASH_KEY = 'primaryLocationLineHash';

/**
 * The `primaryLocationLineHash` of a result, in GitHub's own shape (`<16 hex>:<occurrence>`). GitHub
 * would hash the text of the located line; many live findings share one line (the config entry of
 * their account), so the hash is taken from leakproof's fingerprint instead: one per rule and
 * resource, the same in every run, whatever else the estate holds.
 */
export function lineHash(findingFingerprint: string): string {
  return `${createHash('sha256').update(`line\u0000${findingFingerprint}`).digest('hex').slice(0, 16)}:1`;
}

/** Both partial fingerprints of a result: leakproof's own and GitHub's line hash. */
export function fingerprints(findingFingerprint: string): Record<string, string> {
  return { [FINGERPRINT_KEY]: findingFingerprint, [LINE_HASH_KEY]: lineHash(findingFingerprint) };
}

/**
 * Anchoring rule for physical locations: a resource declared in IaC points at the file and line of
 * the block that decided the finding (a split resource such as `aws_s3_bucket_acl`, else the
 * resource's own block). A live resource points at the most specific of `anchors` (lines of the
 * user's repository: the config entry of its account, project or subscription, else its provider's
 * section, else a whole file such as the workflow). Without anchors, the line of the rule in its
 * policy YAML. GitHub code scanning needs a file location for every result.
 */
export function anchorOf(
  finding: { rule: Rule; resource: Pick<Resource, 'source' | 'factSources' | 'provider' | 'account'>; facts?: string[] },
  anchors: readonly ScopeAnchor[] = [],
): { uri: string; line: number } {
  const specific = finding.facts?.map((f) => finding.resource.factSources?.[f]).find((s) => s !== undefined);
  const src = specific ?? finding.resource.source;
  if (src) return { uri: src.file, line: src.line };
  const account = finding.resource.account.toLowerCase();
  const anchor =
    anchors.find((a) => a.provider === finding.resource.provider && a.account !== undefined && a.account.toLowerCase() === account) ??
    anchors.find((a) => a.provider === finding.resource.provider && a.account === undefined) ??
    anchors.find((a) => a.provider === undefined && a.account === undefined);
  if (anchor) return { uri: anchor.uri, line: anchor.line };
  return { uri: finding.rule.origin.file, line: finding.rule.origin.line };
}

