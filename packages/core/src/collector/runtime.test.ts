import { describe, expect, it } from 'vitest';
import { AdaptiveBucket } from './rate.js';
import { failureReason } from '../outcome.js';
import { CollectorRuntime, retryAfterMs, type CollectorRuntimeConfig, type DescribedError, type RuntimeCall } from './runtime.js';

const call: RuntimeCall = { id: 'svc:GetThing', permission: 'svc:GetThing', service: 'svc', feeds: { 'storage-bucket': ['publicRead'] }, notConfigured: ['NoSuchThing'] };

class FakeError extends Error {
  constructor(
    readonly code: string,
    readonly status?: number,
    readonly retryAfter?: number,
  ) {
    super(code);
  }
}

/** A runtime on a fake clock: sleeping advances time at once, so retries and budgets cost nothing. */
function runtime(config: Partial<CollectorRuntimeConfig> = {}) {
  let clock = 0;
  const slept: number[] = [];
  const rt = new CollectorRuntime({
    provider: 'aws',
    rates: { svc: { rps: 1000, burst: 1000 } },
    errorClasses: [
      { codes: ['Throttling'], category: 'throttled' },
      { codes: ['AccessDenied'], category: 'access-denied' },
      { status: 404, category: 'not-found' },
    ],
    describeError: (e: unknown): DescribedError => {
      const f = e as FakeError;
      return { code: f.code, message: f.message, ...(f.status !== undefined ? { status: f.status } : {}), ...(f.retryAfter !== undefined ? { retryAfterMs: f.retryAfter } : {}) };
    },
    now: () => clock,
    sleep: (ms) => {
      slept.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    ...config,
  });
  const scope = rt.scopes.add('region', '111122223333', 'eu-west-1');
  return { rt, scope, slept, advance: (ms: number) => (clock += ms) };
}

/** A call that fails with the given errors in turn, then succeeds. */
function failing(...errors: FakeError[]) {
  let n = 0;
  const run = () => (n < errors.length ? Promise.reject(errors[n++]!) : Promise.resolve('ok'));
  return { run, attempts: () => n };
}

describe('the collector runtime', () => {
  it('awaits what a call needs in place before its timeout starts (loading an SDK is not the cloud’s time)', async () => {
    const { rt, scope } = runtime({ timeouts: { response: 50 } });
    const order: string[] = [];
    const outcome = await rt.call(
      call,
      { scope, resourceId: 'b' },
      () => {
        order.push('request');
        return Promise.resolve('ok');
      },
      async () => {
        order.push('prepare');
        // Longer than the response timeout, in real time (the timer is a real one).
        await new Promise((resolve) => setTimeout(resolve, 150));
      },
    );
    expect(outcome).toEqual({ status: 'ok', value: 'ok' });
    expect(order).toEqual(['prepare', 'request']);
  });

  it('makes a call whose preparation fails a failed outcome, without a request', async () => {
    const { rt, scope } = runtime();
    const outcome = await rt.call(call, { scope, resourceId: 'b' }, () => Promise.resolve('never'), () => Promise.reject(new FakeError('WorkerFailed')));
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'WorkerFailed', category: 'error' } });
    expect(rt.callCounts).toEqual({});
  });

  it('does not make a call that no enabled rule needs', async () => {
    const { rt, scope } = runtime({ needed: { 'storage-bucket': new Set(['versioning']) } });
    expect(await rt.call(call, { scope, resourceId: 'b' }, () => Promise.resolve(1))).toEqual({ status: 'skipped' });
    expect(rt.callCounts).toEqual({});
  });

  it('reads a "not configured" answer as the documented default, not a failure', async () => {
    const { rt, scope } = runtime();
    expect(await rt.call(call, { scope, resourceId: 'b' }, failing(new FakeError('NoSuchThing', 404)).run)).toEqual({ status: 'not-configured', code: 'NoSuchThing' });
    expect(rt.scopes.statusOf(scope)).toBe('audited');
  });

  it('retries a network error up to maxAttempts with jittered backoff, then fails the call and the scope', async () => {
    const { rt, scope, slept } = runtime({ maxAttempts: 3 });
    const f = failing(new FakeError('ECONNRESET'), new FakeError('ECONNRESET'), new FakeError('ECONNRESET'), new FakeError('ECONNRESET'));
    const outcome = await rt.call(call, { scope, resourceId: 'b' }, f.run);
    expect(f.attempts()).toBe(3);
    expect(slept).toEqual([125, 250]);
    expect(outcome).toMatchObject({ status: 'failed', failure: { category: 'network', code: 'ECONNRESET', permission: 'svc:GetThing' } });
    expect(rt.scopes.statusOf(scope)).toBe('not-audited');
  });

  it('retries a 5xx answer, and succeeds when the service recovers', async () => {
    const { rt, scope } = runtime();
    expect(await rt.call(call, { scope, resourceId: 'b' }, failing(new FakeError('InternalError', 500)).run)).toEqual({ status: 'ok', value: 'ok' });
  });

  it('never retries a denial', async () => {
    const { rt, scope } = runtime();
    const f = failing(new FakeError('AccessDenied', 403), new FakeError('AccessDenied', 403));
    expect(await rt.call(call, { scope, resourceId: 'b' }, f.run)).toMatchObject({ status: 'failed', failure: { category: 'access-denied' } });
    expect(f.attempts()).toBe(1);
  });

  it('waits at least as long as Retry-After says, and keeps trying while throttled', async () => {
    const { rt, scope, slept } = runtime({ maxAttempts: 1 });
    const f = failing(...Array.from({ length: 5 }, () => new FakeError('Throttling', 429, 3000)));
    expect(await rt.call(call, { scope, resourceId: 'b' }, f.run)).toEqual({ status: 'ok', value: 'ok' });
    expect(slept.filter((ms) => ms >= 3000)).toHaveLength(5);
    expect(rt.stats.throttled).toBe(5);
  });

  it('gives up on throttling after maxThrottledAttempts', async () => {
    const { rt, scope } = runtime({ maxThrottledAttempts: 4 });
    const f = failing(...Array.from({ length: 10 }, () => new FakeError('Throttling', 429)));
    expect(await rt.call(call, { scope, resourceId: 'b' }, f.run)).toMatchObject({ status: 'failed', failure: { category: 'throttled' } });
    expect(f.attempts()).toBe(4);
  });

  it('aborts an attempt that gets no answer within the response timeout, through the signal', async () => {
    const { rt, scope } = runtime({ timeouts: { response: 20 }, maxAttempts: 2, sleep: () => Promise.resolve() });
    const signals: AbortSignal[] = [];
    const outcome = await rt.call(call, { scope, resourceId: 'b' }, (signal) => {
      signals.push(signal);
      return new Promise(() => undefined);
    });
    expect(outcome).toMatchObject({ status: 'failed', failure: { category: 'timeout', code: 'Timeout' } });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('makes no call after the deadline, and says so', async () => {
    const { rt, scope, advance } = runtime({ deadline: 1000 });
    advance(1000);
    let made = false;
    const outcome = await rt.call(call, { scope, resourceId: 'b' }, () => {
      made = true;
      return Promise.resolve(1);
    });
    expect(made).toBe(false);
    expect(outcome).toMatchObject({ status: 'failed', failure: { category: 'timeout', code: 'DeadlineExceeded' } });
  });

  it('groups failures into one notice per call, code and account, naming the resources and the facts made unknown', async () => {
    const { rt, scope } = runtime();
    for (const b of ['b1', 'b2']) await rt.call(call, { scope, resourceId: b }, failing(new FakeError('AccessDenied', 403)).run);
    await rt.call(call, { scope, resourceId: 'b3' }, () => Promise.resolve(1));
    rt.flushFailures();
    expect(rt.notices).toEqual([
      expect.objectContaining({ level: 'warning', call: 'svc:GetThing', permission: 'svc:GetThing', account: '111122223333', facts: ['publicRead'], message: expect.stringMatching(/affected 2 resources: b1, b2\. Rules that need publicRead are not evaluated there$/) }),
    ]);
    expect(rt.scopes.statuses()).toEqual([expect.objectContaining({ id: '111122223333/eu-west-1', status: 'partial', reasons: [expect.stringMatching(/^svc:GetThing was denied/)] })]);
  });

  it('tells a scope that could not be audited once: one fatal notice and the scope reason, with no grouped notice repeating the failure', async () => {
    const { rt } = runtime();
    const discovery = rt.scopes.add('discovery', 'every visible thing');
    const outcome = await rt.call(call, { scope: discovery, resourceId: 'listing', listing: true }, failing(new FakeError('AccessDenied', 403)).run);
    if (outcome.status !== 'failed') throw new Error('expected the listing to fail');
    const message = `the things could not be listed (${failureReason(outcome.failure)}); pass --things`;
    rt.scopeNotAudited(discovery, message, call);
    rt.flushFailures();
    expect(rt.notices).toEqual([expect.objectContaining({ level: 'error', fatal: true, call: 'svc:GetThing', message })]);
    expect(rt.scopes.statuses().find((s) => s.id === discovery)).toMatchObject({ status: 'not-audited', reasons: [message] });
  });

  it('marks a discovery that failed, or found nothing, as a scope not audited, with the reason and the way out', async () => {
    const { rt } = runtime();
    const outcome = await rt.call(call, { scope: 'every visible thing', resourceId: 'listing', listing: true }, failing(new FakeError('AccessDenied', 403)).run);
    if (outcome.status !== 'failed') throw new Error('expected the listing to fail');
    rt.discoveryNotAudited('every visible thing', 'the things could not be listed', 'pass --things', call, outcome);
    rt.discoveryNotAudited('folder 7', 'no thing was found in folder 7, so nothing was audited', 'grant things.list', call);
    expect(rt.scopes.statuses().filter((x) => x.kind === 'discovery')).toEqual([
      expect.objectContaining({ kind: 'discovery', id: 'every visible thing', status: 'not-audited', reasons: [`the things could not be listed (${failureReason(outcome.failure)}); pass --things`] }),
      expect.objectContaining({ kind: 'discovery', id: 'folder 7', status: 'not-audited', reasons: ['no thing was found in folder 7, so nothing was audited; grant things.list'] }),
    ]);
    expect(rt.notices.filter((n) => n.fatal)).toHaveLength(2);
  });

  it('marks a scope whose own listing is "not found" as not audited, but not for a resource that vanished', async () => {
    const { rt, scope } = runtime();
    await rt.call(call, { scope, resourceId: 'b' }, failing(new FakeError('Gone', 404)).run);
    expect(rt.scopes.statusOf(scope)).toBe('audited');
    await rt.call(call, { scope, resourceId: 'listing', listing: true }, failing(new FakeError('Gone', 404)).run);
    expect(rt.scopes.statusOf(scope)).toBe('not-audited');
  });
});

describe('the adaptive rate budget', () => {
  it('paces after the burst at the configured rate', () => {
    const bucket = new AdaptiveBucket({ rps: 10, burst: 2 }, () => 0);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 100, 200]);
  });

  it('halves its rate on throttling at most once a second, and wins it back with successes', () => {
    let t = 0;
    const bucket = new AdaptiveBucket({ rps: 20, burst: 20 }, () => t);
    bucket.throttled();
    bucket.throttled();
    expect(bucket.currentRps).toBe(10);
    t = 1000;
    bucket.throttled();
    expect(bucket.currentRps).toBe(5);
    for (let i = 0; i < 100; i++) bucket.succeeded();
    expect(bucket.currentRps).toBe(20);
  });
});

describe('Retry-After', () => {
  it.each([
    ['2', 2000],
    [3, 3000],
    ['Thu, 01 Jan 1970 00:00:05 GMT', 5000],
    ['soon', undefined],
    [undefined, undefined],
  ] as const)('%s is %s ms', (value, ms) => {
    expect(retryAfterMs(value, 0)).toBe(ms);
  });
});
