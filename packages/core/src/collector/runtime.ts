import { availableParallelism } from 'node:os';
import pLimit, { type LimitFunction } from 'p-limit';
import { silentLogger, type Logger } from '../logger.js';
import type { FactFeeds } from '../facts.js';
import type { CollectionNotice, Provider } from '../model.js';
import { callIsNeeded, failureReason, outcomeReason, safeMessage, type CallFailure, type CallOutcome, type ErrorCategory, type NeededFacts } from '../outcome.js';
import { RateBudget, type RateLimit } from './rate.js';
import { ScopeTracker } from './scope.js';

/** One entry of a provider's call table, as the runtime needs it. */
export interface RuntimeCall {
  /** The call, e.g. `s3:GetBucketAcl`. */
  id: string;
  /** The permission (IAM action, GCP permission, RBAC action) that allows it. */
  permission: string;
  /** The rate budget it draws from, e.g. `s3`, `ec2`, `arm`. */
  service: string;
  /** The facts it feeds, by resource kind; a call none of whose facts a rule needs is not made. */
  feeds: FactFeeds;
  /** Error codes that mean "not configured": a documented default, not a failure. */
  notConfigured?: readonly string[];
  /** Always made, whatever the rules (it finds resources or scopes). */
  discovery?: boolean;
  /** The API that serves it, when APIs can be switched off per scope (e.g. `sqladmin.googleapis.com`). */
  api?: string;
}

/** One row of an error-classification table: matched by code first, then by HTTP status. */
export interface ErrorClass {
  codes?: readonly string[];
  status?: number;
  category: ErrorCategory;
}

/** What a provider reads off one SDK error. */
export interface DescribedError {
  code: string;
  status?: number;
  message: string;
  /** From a `Retry-After` header, when the answer had one. */
  retryAfterMs?: number;
  /** Set when the provider knows the category better than the tables (e.g. a disabled API named only in the message). */
  category?: ErrorCategory;
}

/** Errors of the network itself, the same on every provider (Node, undici and the SDKs' own wrappers). */
export const NETWORK_ERROR_CLASSES: readonly ErrorClass[] = [
  {
    codes: ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR', 'ERR_STREAM_PREMATURE_CLOSE'],
    category: 'network',
  },
  { codes: ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'TimeoutError', 'RequestTimeout', 'Timeout'], category: 'timeout' },
];

/** Documented defaults; every one is overridable (see the README's "Timeouts and retries"). */
export const RUNTIME_DEFAULTS = {
  concurrency: 64,
  /** Attempts for network errors, timeouts and 5xx answers. */
  maxAttempts: 3,
  /** Attempts while throttled: throttling is expected at scale and the budget adapts, so more. */
  maxThrottledAttempts: 12,
  timeouts: { connect: 5_000, response: 20_000 },
  backoff: { baseMs: 250, capMs: 20_000 },
} as const;

/** How a collector's calls are run. Option names are the same for every provider. */
export interface RuntimeOptions {
  /** Requests in flight at once (default 64). */
  concurrency?: number;
  /** Attempts for network errors, timeouts and 5xx answers (default 3). */
  maxAttempts?: number;
  /** Attempts while throttled (default 12). */
  maxThrottledAttempts?: number;
  /** Milliseconds: connecting, and waiting for a whole answer (defaults 5 s and 20 s). */
  timeouts?: { connect?: number; response?: number };
  /** Milliseconds the whole collection may take; calls after it fail as timed out. */
  deadline?: number;
  /** Requests per second for every budget of this run, instead of the provider's defaults. */
  maxRps?: number;
  /**
   * Threads that make requests (default: every core the process may use; 1 keeps every request on
   * the main thread). The call gate stays on the main thread, so the limits above hold for all.
   * Today the AWS collector uses it, for the per-bucket reads of large accounts; GCP and Azure make their
   * requests on the main thread.
   */
  cores?: number;
}

/** Everything a collector gives the runtime once. */
export interface CollectorRuntimeConfig extends RuntimeOptions {
  provider: Provider;
  needed?: NeededFacts;
  /** Rate limits per service; `*` is the fallback. */
  rates: Record<string, RateLimit>;
  /** The provider's error table; the network table applies first. */
  errorClasses: readonly ErrorClass[];
  describeError: (error: unknown) => DescribedError;
  logger?: Logger;
  /** For tests: the clock, the sleeper and the jitter source. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** What a provider brings to the runtime: its name, its rate budgets and how its errors read. */
export type ProviderRuntimeProfile = Pick<CollectorRuntimeConfig, 'provider' | 'rates' | 'errorClasses' | 'describeError'>;

/**
 * The runtime of one collection: the provider's profile with the caller's options (the shared runtime
 * options, the facts the rules need, the logger). Every collector builds its runtime this way.
 */
export function createCollectorRuntime(profile: ProviderRuntimeProfile, options: RuntimeOptions & { needed?: NeededFacts; logger?: Logger }): CollectorRuntime {
  return new CollectorRuntime({
    ...runtimeOptionsOf(options),
    ...profile,
    ...(options.needed ? { needed: options.needed } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** Where one call belongs: its scope (for status), its budget scope and the resource it is about. */
export interface CallTarget {
  /** A scope id from `runtime.scopes.add` (account, account/region, project, subscription). */
  scope: string;
  /** The resource or listing the call is about, for notices. */
  resourceId: string;
  /** The rate-budget scope, when it differs from `scope` (e.g. one bucket). */
  budget?: string;
  /** The call lists the scope itself: "not found" then means the scope does not exist, so it was not audited. */
  listing?: boolean;
}

/** Counters a run reports: how often it was throttled and how long the budget made it wait. */
export interface RuntimeStats {
  calls: number;
  retries: number;
  throttled: number;
  waitedMs: number;
  /** The most requests that were ever in flight at once. */
  maxInFlight: number;
}

/**
 * An error already described, e.g. by a worker thread that made the request: the runtime takes its
 * description as it is instead of asking the provider to read an SDK error it never saw.
 */
export class DescribedCallError extends Error {
  constructor(readonly described: DescribedError) {
    super(described.message);
    this.name = 'DescribedCallError';
  }
}

class TimedOut extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * The call plumbing every collector shares: the needed-facts gate, bounded concurrency, a timeout per
 * attempt, retries with full-jitter backoff that honour Retry-After, an adaptive rate budget, call
 * counting, classified failures grouped into notices, and scope status.
 */
export class CollectorRuntime {
  /** Requests made, per call id (every page and every retry counts). */
  readonly callCounts: Record<string, number> = {};
  readonly notices: CollectionNotice[] = [];
  readonly scopes: ScopeTracker;
  readonly stats: RuntimeStats = { calls: 0, retries: 0, throttled: 0, waitedMs: 0, maxInFlight: 0 };
  private inFlight = 0;
  /** Resolved limits, for clients that take their own socket timeouts. */
  readonly timeouts: { connect: number; response: number };
  readonly concurrency: number;
  /** Threads the collector may make requests from (see `RuntimeOptions.cores`). */
  readonly cores: number;
  private readonly limit: LimitFunction;
  private readonly budget: RateBudget;
  private readonly endsAt: number;
  private readonly failures = new Map<string, { failure: CallFailure; api?: string; account?: string; resources: string[]; count: number; facts: Set<string> }>();
  /** `call|account` pairs whose failure already has a notice of its own (see `scopeNotAudited`). */
  private readonly explained = new Set<string>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly config: CollectorRuntimeConfig) {
    this.now = config.now ?? Date.now;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = config.random ?? Math.random;
    this.concurrency = config.concurrency ?? RUNTIME_DEFAULTS.concurrency;
    // Request work (signing, serializing, parsing) is CPU: more threads than cores would only queue.
    this.cores = Math.max(1, Math.floor(config.cores ?? availableParallelism()));
    this.limit = pLimit(this.concurrency);
    this.logger = config.logger ?? silentLogger;
    this.scopes = new ScopeTracker(config.provider);
    this.timeouts = { connect: config.timeouts?.connect ?? RUNTIME_DEFAULTS.timeouts.connect, response: config.timeouts?.response ?? RUNTIME_DEFAULTS.timeouts.response };
    this.endsAt = config.deadline === undefined ? Number.POSITIVE_INFINITY : this.now() + config.deadline;
    const maxRps = config.maxRps;
    this.budget = new RateBudget((service) => {
      const limit = config.rates[service] ?? config.rates['*'] ?? { rps: 10, burst: 20 };
      return maxRps === undefined ? limit : { rps: maxRps, burst: Math.max(1, Math.min(limit.burst, Math.ceil(maxRps))) };
    }, this.now);
  }

  /** Whether the enabled rules need this call (discovery calls always run). */
  isNeeded(call: RuntimeCall): boolean {
    return callIsNeeded(call, this.config.needed);
  }

  /** True once the deadline has passed: collectors stop starting new work. */
  get pastDeadline(): boolean {
    return this.now() >= this.endsAt;
  }

  /**
   * Runs one call: skipped when no enabled rule needs it; otherwise under the concurrency limit and
   * the rate budget, each attempt bounded by the response timeout (the signal aborts the request).
   * `prepare`, when given, is awaited first, outside the timeout (see below).
   * Errors become outcomes: "not configured", or a classified failure after the retries it deserves.
   */
  async call<T>(call: RuntimeCall, target: CallTarget, run: (signal: AbortSignal) => Promise<T>, prepare?: () => Promise<void>): Promise<CallOutcome<T>> {
    if (!this.isNeeded(call)) return { status: 'skipped' };
    // What must be in place before a request can be made (an SDK module to load, a thread to start)
    // is not the cloud's time to answer: it is awaited before the first attempt's timeout starts.
    if (prepare) {
      try {
        await prepare();
      } catch (error) {
        const d = error instanceof DescribedCallError ? error.described : this.config.describeError(error);
        const failure: CallFailure = { call: call.id, permission: call.permission, code: d.code, category: this.classify(d), message: safeMessage(d.message) };
        this.recordFailure(failure, call, target);
        return { status: 'failed', failure };
      }
    }
    const bucket = this.budget.bucket(call.service, target.budget ?? target.scope);
    let attempt = 0;
    let throttledAttempts = 0;
    for (;;) {
      attempt++;
      const result = await this.limit(() => this.attempt(call, bucket, run));
      if (result.ok) {
        bucket.succeeded();
        this.scopes.succeeded(target.scope);
        return { status: 'ok', value: result.value };
      }
      const d = result.error;
      if (call.notConfigured?.includes(d.code)) {
        bucket.succeeded();
        this.scopes.succeeded(target.scope);
        return { status: 'not-configured', code: d.code };
      }
      const category = this.classify(d);
      let retry = false;
      if (category === 'throttled') {
        bucket.throttled();
        this.stats.throttled++;
        throttledAttempts++;
        retry = throttledAttempts < (this.config.maxThrottledAttempts ?? RUNTIME_DEFAULTS.maxThrottledAttempts);
      } else if (category === 'network' || category === 'timeout' || (category === 'error' && (d.status ?? 0) >= 500)) {
        retry = attempt - throttledAttempts < (this.config.maxAttempts ?? RUNTIME_DEFAULTS.maxAttempts);
      }
      if (retry && d.code !== 'DeadlineExceeded') {
        const ceiling = Math.min(RUNTIME_DEFAULTS.backoff.capMs, RUNTIME_DEFAULTS.backoff.baseMs * 2 ** (attempt - 1));
        const wait = Math.max(d.retryAfterMs ?? 0, Math.floor(this.random() * ceiling));
        if (this.now() + wait < this.endsAt) {
          this.stats.retries++;
          this.stats.waitedMs += wait;
          await this.sleep(wait);
          continue;
        }
      }
      const failure: CallFailure = { call: call.id, permission: call.permission, code: d.code, category, message: safeMessage(d.message) };
      this.recordFailure(failure, call, target);
      return { status: 'failed', failure };
    }
  }

  private async attempt<T>(call: RuntimeCall, bucket: ReturnType<RateBudget['bucket']>, run: (signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: DescribedError }> {
    const deadlineError = (): { ok: false; error: DescribedError } => ({ ok: false, error: { code: 'DeadlineExceeded', message: 'the audit deadline passed before this call could be made' } });
    if (this.pastDeadline) return deadlineError();
    const wait = bucket.reserve();
    if (wait > 0) {
      if (this.now() + wait >= this.endsAt) return deadlineError();
      this.stats.waitedMs += wait;
      await this.sleep(wait);
    }
    this.callCounts[call.id] = (this.callCounts[call.id] ?? 0) + 1;
    this.stats.calls++;
    const ms = Math.max(1, Math.min(this.timeouts.response, this.endsAt - this.now()));
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new TimedOut(ms));
        controller.abort(new TimedOut(ms));
      }, ms);
    });
    this.inFlight++;
    if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
    const request = run(controller.signal);
    // The request may settle after the timeout won the race; its outcome is then of no interest.
    request.catch(() => undefined);
    try {
      return { ok: true, value: await Promise.race([request, timeout]) };
    } catch (error) {
      if (error instanceof TimedOut || controller.signal.aborted) return { ok: false, error: { code: 'Timeout', message: `no answer within ${ms} ms` } };
      if (error instanceof DescribedCallError) return { ok: false, error: error.described };
      return { ok: false, error: this.config.describeError(error) };
    } finally {
      this.inFlight--;
      clearTimeout(timer);
    }
  }

  /** The category of an error: the provider's own verdict, then the network table, then the provider table. */
  classify(d: DescribedError): ErrorCategory {
    if (d.category) return d.category;
    if (d.code === 'DeadlineExceeded') return 'timeout';
    const tables = [NETWORK_ERROR_CLASSES, this.config.errorClasses];
    for (const table of tables) for (const entry of table) if (entry.codes?.includes(d.code)) return entry.category;
    for (const entry of this.config.errorClasses) if (entry.status !== undefined && entry.status === d.status) return entry.category;
    return 'error';
  }

  private recordFailure(failure: CallFailure, call: RuntimeCall, target: CallTarget): void {
    // A resource that vanished between listing and reading, or an API that is off, says nothing about the
    // scope; a scope whose own listing is "not found" (a mistyped project or subscription) does not exist.
    if (failure.category === 'not-found' && target.listing) this.scopes.notAudited(target.scope, `${failureReason(failure)}: it does not exist or the caller cannot see it`);
    else if (failure.category !== 'not-found' && failure.category !== 'service-disabled') this.scopes.failed(target.scope, failureReason(failure));
    const account = accountOf(target.scope);
    const key = `${failure.call}|${failure.code}|${account}`;
    let entry = this.failures.get(key);
    if (!entry) {
      entry = { failure, ...(call.api ? { api: call.api } : {}), ...(account ? { account } : {}), resources: [], count: 0, facts: new Set<string>() };
      this.failures.set(key, entry);
    }
    entry.count++;
    if (entry.resources.length < 1000) entry.resources.push(target.resourceId);
    for (const facts of Object.values(call.feeds)) for (const f of facts) entry.facts.add(f);
  }

  /** A notice of the collector's own (a skipped region, a disabled API), logged and kept for the reports. */
  notice(level: CollectionNotice['level'], message: string, extra: Partial<CollectionNotice> = {}): void {
    this.notices.push({ level, message, provider: this.config.provider, ...extra });
    if (level === 'error') this.logger.error(message);
    else if (level === 'warning') this.logger.warning(message);
    else this.logger.info(message);
  }

  /**
   * A scope that could not be audited at all because `call` (its listing or its identity) failed: its
   * status says so with `message` as the reason, and one fatal error notice names the call and, when
   * a missing grant may be the cause, its permission (pass the call table's entry). The grouped notice
   * of `flushFailures` does not repeat that failure for the scope's account: an error is told once.
   */
  scopeNotAudited(scope: string, message: string, call: Pick<RuntimeCall, 'id'> & Partial<Pick<RuntimeCall, 'permission'>>): void {
    this.scopes.notAudited(scope, message);
    this.notice('error', message, { call: call.id, ...(call.permission ? { permission: call.permission } : {}), fatal: true });
    this.explained.add(`${call.id}|${accountOf(scope)}`);
  }

  /**
   * A discovery (listing the accounts, projects or subscriptions to audit) that failed or found none:
   * what was asked was not audited, never a pass. Declares the discovery scope `scope` ("every visible
   * project", "folders/10") and marks it not audited with `what`, the failed listing's reason when
   * given, and `hint`, the way out (a grant, or naming the scopes).
   */
  discoveryNotAudited(scope: string, what: string, hint: string, call: Pick<RuntimeCall, 'id'> & Partial<Pick<RuntimeCall, 'permission'>>, failed?: Exclude<CallOutcome<unknown>, { status: 'ok' }>): void {
    const why = failed ? ` (${outcomeReason(failed, 'the listing')})` : '';
    this.scopeNotAudited(this.scopes.add('discovery', scope), `${what}${why}; ${hint}`, call);
  }

  /**
   * A discovery that found nothing to audit, which is far likelier a missing grant than an empty
   * estate: a discovery scope not audited, as `discoveryNotAudited`, unless a listing already failed
   * (that scope already says why nothing was found).
   */
  discoveredNothing(scope: string, what: string, hint: string, call: Pick<RuntimeCall, 'id'> & Partial<Pick<RuntimeCall, 'permission'>>): void {
    if (this.scopes.statuses().every((s) => s.status === 'audited')) this.discoveryNotAudited(scope, what, hint, call);
  }

  /**
   * One notice per failing call, error code and account, naming the permission, the resources affected
   * and the facts made unknown. Call once, when collection ends; failures recorded later start afresh.
   */
  flushFailures(): void {
    for (const { failure, api, account, resources, count, facts } of this.failures.values()) {
      if (this.explained.has(`${failure.call}|${account ?? ''}`)) continue;
      const listed = resources.slice(0, 10).join(', ') + (count > 10 ? ` and ${count - 10} more` : '');
      if (failure.category === 'service-disabled') {
        // A switched-off API can hold nothing: a note, not a gap in the audit.
        this.notice('note', `${api ?? 'the API'} is disabled in ${account ?? 'the scope'}; it holds nothing to audit (${failure.call}: ${failure.code})`, { call: failure.call, ...(account ? { account } : {}) });
        continue;
      }
      const level = failure.category === 'access-denied' || failure.category === 'not-found' ? 'warning' : 'error';
      const factList = [...facts];
      this.notice(level, `${failureReason(failure)}; affected ${count === 1 ? '' : `${count} resources: `}${listed}. Rules that need ${factList.join(', ') || 'it'} are not evaluated there`, {
        call: failure.call,
        permission: failure.permission,
        ...(account ? { account } : {}),
        ...(count === 1 && resources[0] ? { resourceId: resources[0] } : {}),
        facts: factList,
      });
    }
    this.failures.clear();
    if (this.stats.throttled > 0) {
      this.notice('note', `${this.stats.throttled} call(s) were throttled and retried; the rate budget waited ${(this.stats.waitedMs / 1000).toFixed(1)} s in all`);
    }
  }
}

/** The account (project, subscription) part of a scope id: `account` or `account/region`. */
function accountOf(scope: string): string {
  return scope.split('/')[0] ?? '';
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Just the runtime's options of a collector's options, so nothing else reaches the runtime by accident. */
export function runtimeOptionsOf(o: RuntimeOptions): RuntimeOptions {
  const picked: RuntimeOptions = {};
  if (o.concurrency !== undefined) picked.concurrency = o.concurrency;
  if (o.maxAttempts !== undefined) picked.maxAttempts = o.maxAttempts;
  if (o.maxThrottledAttempts !== undefined) picked.maxThrottledAttempts = o.maxThrottledAttempts;
  if (o.timeouts !== undefined) picked.timeouts = o.timeouts;
  if (o.deadline !== undefined) picked.deadline = o.deadline;
  if (o.maxRps !== undefined) picked.maxRps = o.maxRps;
  if (o.cores !== undefined) picked.cores = o.cores;
  return picked;
}
