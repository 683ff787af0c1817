import type { ResourceKind } from './model.js';

/**
 * What one collector call gave: its value, "not configured" (a documented default), a failure, a
 * value that cannot be known yet (a Terraform plan's "known after apply"), or skipped because no
 * enabled rule needs it. Shared by every collector, so normalizers read outcomes the same way.
 */
export type CallOutcome<T> =
  | { status: 'ok'; value: T }
  | { status: 'not-configured'; code: string }
  | { status: 'failed'; failure: CallFailure }
  | { status: 'unknown'; reason: string }
  | { status: 'skipped' };

/** What kind of failure a call met: the error classification every collector shares. */
export type ErrorCategory = 'access-denied' | 'throttled' | 'region-disabled' | 'service-disabled' | 'not-found' | 'network' | 'timeout' | 'error';

/** A failed call: which call, its error code and category, and a credential-free message. */
export interface CallFailure {
  /** The call, e.g. `s3:GetBucketAcl` or `storage.buckets.getIamPolicy`. */
  call: string;
  /** The permission that allows it. */
  permission: string;
  code: string;
  category: ErrorCategory;
  /** A short, credential-free description. */
  message: string;
}

/** The text before the first line break. */
function firstLineOf(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

/** Keeps error messages to one short line and strips anything that looks like a credential. */
export function safeMessage(message: string): string {
  return firstLineOf(message)
    .replace(/(AKIA|ASIA)[A-Z0-9]{16}/g, '[access key]')
    .replace(/ya29\.[\w.-]+/g, '[token]')
    .replace(/(Bearer|Signature|X-Amz-Signature|X-Amz-Security-Token|Credential|access_token|sig)[=: ]+[^&\s]+/gi, '$1=[redacted]')
    .slice(0, 300);
}

/** The reason text an unknown fact carries when its call failed. */
export function failureReason(f: CallFailure): string {
  switch (f.category) {
    case 'access-denied':
      return `${f.call} was denied (${f.code}); grant ${f.permission}`;
    case 'throttled':
      return `${f.call} was throttled (${f.code}) after retries`;
    case 'service-disabled':
      return `${f.call} failed: the API is disabled in the project (${f.code})`;
    case 'network':
      return `${f.call} failed: the endpoint could not be reached (${f.code}) after retries`;
    case 'timeout':
      return f.code === 'DeadlineExceeded' ? `${f.call} was not made: the audit deadline passed` : `${f.call} timed out (${f.message}) after retries`;
    default:
      return `${f.call} failed (${f.code}): ${f.message}`;
  }
}

/** Why an outcome gives no value: the failure, the unknown's reason, or that the call was not made. */
export function outcomeReason(o: Exclude<CallOutcome<unknown>, { status: 'ok' }>, what = 'the value'): string {
  if (o.status === 'failed') return failureReason(o.failure);
  if (o.status === 'unknown') return o.reason;
  if (o.status === 'not-configured') return `${what} is not configured (${o.code})`;
  return `${what} was not read`;
}

/** Applies `f` to the value of a successful outcome; other outcomes pass through. */
export function mapOutcome<T, U>(o: CallOutcome<T>, f: (value: T) => U): CallOutcome<U> {
  return o.status === 'ok' ? { status: 'ok', value: f(o.value) } : o;
}

/**
 * A listing read one call per page. `callPage` makes one page's call through the collector runtime, so its
 * timeout, retries and rate budget apply to that page alone; the token of the next page is carried here, so a
 * failed page is asked again from its own token, never from the first. `keep` reduces each page as it arrives,
 * so large raw pages are not held. The first page that is not ok ends the listing with its outcome.
 */
export async function readPages<P, U>(callPage: (token: string | undefined) => Promise<CallOutcome<P>>, nextToken: (page: P) => string | null | undefined, keep: (page: P) => U): Promise<CallOutcome<U[]>> {
  const kept: U[] = [];
  let token: string | undefined;
  do {
    const outcome = await callPage(token);
    if (outcome.status !== 'ok') return outcome;
    kept.push(keep(outcome.value));
    token = nextToken(outcome.value) || undefined;
  } while (token);
  return { status: 'ok', value: kept };
}

/** The facts enabled rules read, by resource kind (see factsNeededBy); undefined means every fact. */
export type NeededFacts = Partial<Record<ResourceKind, ReadonlySet<string>>> | undefined;

/**
 * Whether a collector call must run: discovery calls always do; others when they feed a fact that
 * an enabled rule needs. Every collector's call table is filtered with this.
 */
export function callIsNeeded(call: { feeds: Partial<Record<string, readonly string[]>>; discovery?: boolean }, needed: NeededFacts): boolean {
  if (call.discovery || needed === undefined) return true;
  return Object.entries(call.feeds).some(([kind, facts]) => (facts ?? []).some((f) => needed[kind as keyof NonNullable<NeededFacts>]?.has(f)));
}
