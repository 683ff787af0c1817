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

/** The services whose calls other than the per-bucket reads go to the last request thread (see `threadedRequester`). */
const S3_SERVICES: ReadonlySet<AwsService> = new Set(['s3', 's3control']);

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
 * Requests on `threads` worker threads, each with its own SDK clients; the main thread keeps the call
 * gate, so concurrency and the rate budget hold across them. Credentials stay providers on the main
 * thread (refreshing an assumed role happens once); each request carries the current identity.
 */
export function threadedRequester(settings: Settings, threads: number): AwsRequester {
  // A young generation of 16 MiB (V8's default grows to 32 MiB per thread) holds the requests in
  // flight and costs no measurable CPU in `pnpm bench`; 8 MiB or less promotes requests still in
  // flight and costs CPU, and a capped old generation costs much more CPU for little memory.
  const pool = new CallWorkerPool<AwsWorkerTask>(
    workerEntry(),
    threads,
    { env: settings.env as Record<string, string>, concurrency: settings.concurrency, timeouts: settings.timeouts } satisfies AwsWorkerData,
    { resourceLimits: { maxYoungGenerationSizeMb: REQUEST_THREAD_YOUNG_MB } },
  );
  // Only the per-bucket reads are many: they go to whichever thread has the fewest in flight. The
  // other calls of S3 go to the last thread, which loads S3 for the bucket reads anyway, and the rest
  // to the first: the bucket listing then runs beside EC2's module loading and the regions' listings.
  // Only the first thread loads EC2, RDS and STS; the last also loads S3 Control.
  const laneOf = (id: AwsOperationId): number | undefined => (BULK.has(id) ? undefined : S3_SERVICES.has(commandOf(id).service) ? threads - 1 : 0);
  // `service|lane` -> the service's module loaded on the threads its calls go to. Made once, so a
  // call costs a lookup.
  const loads = new Map<string, Promise<void>>();
  const loaded = (id: AwsOperationId): Promise<void> => {
    const { service } = commandOf(id);
    const lane = laneOf(id);
    const key = `${service}|${lane ?? 'every'}`;
    let loading = loads.get(key);
    if (!loading) {
      const load = (on: number) => pool.run<null>({ kind: 'load', service }, new AbortController().signal, on);
      loading = Promise.all(lane === undefined ? Array.from({ length: threads }, (_, on) => load(on)) : [load(lane)]).then(() => undefined);
      // A thread that died is not asked again: the next call loads the module on the threads that live.
      loading.catch(() => loads.delete(key));
      loads.set(key, loading);
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
          return pool.run({ kind: 'request', request, credentials: resolved }, signal, laneOf(request.id));
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
