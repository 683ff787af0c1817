/**
 * The wildcard languages leakproof reads, named by who defines them. Both match the whole string, and
 * `*` matches any run of characters, none included, `/` and `:` included (an Azure resource id and an
 * ARN are matched as one string, not by segments).
 */
export const WILDCARD_DIALECTS = {
  /**
   * IAM policy `Action` / `NotAction` values: `*` any run, `?` exactly one character; action names
   * are case-insensitive ("s3:getobject" is s3:GetObject), as the IAM JSON policy reference says.
   */
  'aws-action': { questionMark: true, ignoreCase: true },
  /** IAM policy ARNs (`Resource`, `aws:SourceArn` with ArnLike): `*` and `?` as for actions, case-sensitive. */
  'aws-arn': { questionMark: true, ignoreCase: false },
  /** Waiver `resource` patterns: `*` any run, case-sensitive; `?` is a literal (ids never contain one). */
  waiver: { questionMark: false, ignoreCase: false },
} as const;

/** One of {@link WILDCARD_DIALECTS}. */
export type WildcardDialect = keyof typeof WILDCARD_DIALECTS;

const compiled = new Map<string, RegExp>();

/** The regular expression of a wildcard pattern in a dialect; compiled once per pattern and dialect. */
export function wildcardRegExp(pattern: string, dialect: WildcardDialect): RegExp {
  const key = `${dialect}\u0000${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    const { questionMark, ignoreCase } = WILDCARD_DIALECTS[dialect];
    const body = Array.from(pattern, (ch) => ch).map((ch) => (ch === '*' ? '.*' : ch === '?' && questionMark ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    // `s`: a run may cross a line break too; nothing we match should hold one, but a pattern never silently stops at it.
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** Whether `value` matches the wildcard `pattern` of `dialect` as a whole. */
export function matchesWildcard(pattern: string, value: string, dialect: WildcardDialect): boolean {
  return wildcardRegExp(pattern, dialect).test(value);
}
