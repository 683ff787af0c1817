import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CallWorkerPool } from '@leakproof/core';
import { AWS_CALLS } from '../calls.js';
import type { AwsClients, ClientOptions, Credentials } from './clients.js';
import type { AwsService } from './endpoints.js';
import { commandOf, type AwsOperationId, type AwsOutput, type AwsRequest } from './operations.js';

/** Where the requests of one account are made. */
export interface AwsSender {
  /** Makes one request (one attempt: the runtime retries); the signal tells that the runtime stopped waiting. */
  send<K extends AwsOperationId>(request: AwsRequest<K>, signal: AbortSignal): Promise<AwsOutput<K>>;
  /** The account's work in `region` is done: its clients and sockets there can go. */
  release(region: string): void;
  /** Resolves once the SDK module of the call is loaded wherever it will be sent (not timed as a request). */
  ready(id: AwsOperationId): Promise<void>;
}

/** Makes requests for every account of a collection: on this thread, or on request threads. */
export interface AwsRequester {
  /** The sender of one account (its credentials). */
  sender(credentials: Credentials): AwsSender;
  /** A listing found `count` more buckets or snapshots, each to be read with its own calls. */
  expectPerResourceReads(count: number): void;
  /** How many request threads were started (0: every request was made on this thread). */
  readonly threadsStarted: number;
  /** Stops what the requester started: clients, sockets and threads. */
  close(): Promise<void>;
}

type Settings = Omit<ClientOptions, 'credentials'>;

/** What a request thread is started with: how to build clients, never a credential. */
export interface AwsWorkerData {
  env: Record<string, string>;
  concurrency: number;
  timeouts: { connect: number; response: number };
}

/** One request for a request thread, with the resolved credentials of its account; or a service's SDK module to load. */
export type AwsWorkerTask =
  | { kind: 'request'; request: AwsRequest; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } }
  | { kind: 'load'; service: AwsService };

/** What the main thread tells the request threads besides tasks: an account is done with a region. */
export interface AwsWorkerRelease {
  release: string;
  accessKeyId: string;
}

/**
 * The calls made once per bucket or snapshot, as the call table scopes them: the many, spread over
 * every request thread.
 */
const BULK: ReadonlySet<AwsOperationId> = new Set(AWS_CALLS.filter((c) => c.scope === 'bucket' || c.scope === 'snapshot').map((c) => c.id));

/** Young generation of each request thread, in MiB (see `threadedRequester`). */
const REQUEST_THREAD_YOUNG_MB = 16;

/** Requests on the main thread (`cores: 1`): the SDK loads here, on first use. */
export function inThreadRequester(settings: Settings): AwsRequester {
  const made: AwsClients[] = [];
  const loaded = Promise.all([import('./clients.js'), import('./commands.js')]);
  return {
    sender(credentials) {
      const clients = loaded.then(([{ AwsClients }]) => {
        const c = new AwsClients({ ...settings, credentials });
        made.push(c);
        return c;
      });
      return {
        async send(request) {
          const [[, { sendRequest }], c] = await Promise.all([loaded, clients]);
          return sendRequest(c, request);
        },
        release(region) {
          void clients.then((c) => c.release(region));
        },
        async ready(id) {
          const [{ loadService }] = await loaded;
          await loadService(commandOf(id).service);
        },
      };
    },
    expectPerResourceReads() {},
    threadsStarted: 0,
    async close() {
      await loaded.catch(() => undefined);
      for (const c of made) c.destroy();
    },
  };
}

/**
 * The request threads' module. From sources (tests run the TypeScript), the built one beside them in
 * `dist/`; bundled (the Action), the file the bundler writes beside the bundle.
 */
function workerEntry(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/fetch/aws-call-worker.js', here) : new URL('./aws-call-worker.js', here);
}

/**
 * Whether the request threads' module is where the collector looks for it. A bundle of the collector
 * made without it (the Action's bundle ships it) runs its requests on the main thread instead.
 */
export function requestThreadsAvailable(): boolean {
  return existsSync(fileURLToPath(workerEntry()));
}

/**
 * Requests for the per-bucket and per-snapshot reads on `threads` worker threads, each with its own
 * SDK clients; the main thread keeps the call gate, so concurrency and the rate budget hold across
 * them. Credentials stay providers on the main thread (refreshing an assumed role happens once); each
 * request carries the current identity.
 */
function threadedRequester(settings: Settings, threads: number): Omit<AwsRequester, 'expectPerResourceReads' | 'threadsStarted'> {
  // A young generation of 16 MiB (V8's default grows to 32 MiB per thread) holds the requests in
  // flight and costs no measurable CPU in `pnpm bench`; 8 MiB or less promotes requests still in
  // flight and costs CPU, and a capped old generation costs much more CPU for little memory.
  const pool = new CallWorkerPool<AwsWorkerTask>(
    workerEntry(),
    threads,
    { env: settings.env as Record<string, string>, concurrency: settings.concurrency, timeouts: settings.timeouts } satisfies AwsWorkerData,
    { resourceLimits: { maxYoungGenerationSizeMb: REQUEST_THREAD_YOUNG_MB } },
  );
  // Each service's module, loaded on every thread once. Made once, so a call costs a lookup.
  const loads = new Map<AwsService, Promise<void>>();
  const loaded = (id: AwsOperationId): Promise<void> => {
    const { service } = commandOf(id);
    let loading = loads.get(service);
    if (!loading) {
      loading = Promise.all(Array.from({ length: threads }, (_, lane) => pool.run<null>({ kind: 'load', service }, new AbortController().signal, lane))).then(() => undefined);
      // A thread that died is not asked again: the next call loads the module on the threads that live.
      loading.catch(() => loads.delete(service));
      loads.set(service, loading);
    }
    return loading;
  };
  return {
    sender(credentials) {
      const identity = async () => {
        const id = typeof credentials === 'function' ? await credentials() : credentials;
        return { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey, ...(id.sessionToken ? { sessionToken: id.sessionToken } : {}) };
      };
      let lastKey: string | undefined;
      return {
        async send(request, signal) {
          const resolved = await identity();
          lastKey = resolved.accessKeyId;
          return pool.run({ kind: 'request', request, credentials: resolved }, signal);
        },
        ready: loaded,
        release(region) {
          if (lastKey) pool.broadcast({ release: region, accessKeyId: lastKey } satisfies AwsWorkerRelease);
        },
      };
    },
    close: () => pool.close(),
  };
}

/**
 * Requests on the main thread, until the listings have found `threadsFrom` buckets and snapshots:
 * from then on, their per-resource reads (the many calls) go to `threads` request threads, and the
 * listings stay here. A small account is not worth the threads: each costs its own SDK modules and
 * heap (in `pnpm bench`, 50 buckets took 2.1 s and 195 MiB with threads, 1.9 s and 148 MiB without).
 */
export function sharedRequester(settings: Settings, threads: number, threadsFrom: number): AwsRequester {
  const local = inThreadRequester(settings);
  let pooled: ReturnType<typeof threadedRequester> | undefined;
  let expected = 0;
  return {
    sender(credentials) {
      const here = local.sender(credentials);
      let there: AwsSender | undefined;
      // Where a call goes: a per-resource read to the threads once they run, everything else here.
      const senderOf = (id: AwsOperationId): AwsSender => (pooled && BULK.has(id) ? (there ??= pooled.sender(credentials)) : here);
      return {
        send: (request, signal) => senderOf(request.id).send(request, signal),
        ready: (id) => senderOf(id).ready(id),
        release(region) {
          here.release(region);
          there?.release(region);
        },
      };
    },
    expectPerResourceReads(count) {
      expected += count;
      if (!pooled && expected >= threadsFrom) pooled = threadedRequester(settings, threads);
    },
    get threadsStarted() {
      return pooled ? threads : 0;
    },
    async close() {
      await Promise.all([local.close(), pooled?.close()]);
    },
  };
}
