import { parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import { DescribedCallError, type DescribedError } from './runtime.js';

/** What the main thread sends a worker: a task to run, or the abort of one still running. */
type ToWorker = { kind: 'run'; id: number; task: unknown } | { kind: 'abort'; id: number } | { kind: 'broadcast'; message: unknown };
/** What a worker answers: the task's value, or its error already described. */
type FromWorker = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: DescribedError };

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
  alive: boolean;
  /** Posts a message in the next batch. */
  send: (message: ToWorker) => void;
}

/**
 * Collects messages and posts them as one array on the next turn of the event loop: under load many
 * requests start and end in the same turn, and one message of many costs about what one of one does.
 */
function batched<T>(post: (batch: T[]) => void): (message: T) => void {
  let queue: T[] = [];
  return (message) => {
    queue.push(message);
    if (queue.length > 1) return;
    setImmediate(() => {
      const batch = queue;
      queue = [];
      post(batch);
    });
  };
}

/**
 * The parent's Node options, less the `leakproof-source` export condition: tests run the TypeScript
 * sources under it, but a worker is plain Node and runs the built modules.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    if ((arg === '--conditions' || arg === '-C') && execArgv[i + 1] === 'leakproof-source') {
      i++;
      continue;
    }
    if (arg === '--conditions=leakproof-source' || arg === '-C=leakproof-source') continue;
    out.push(arg);
  }
  return out;
}

/**
 * Starts a worker with the parent's Node options (less the source condition). Options that act on the
 * whole process (V8 flags such as `--max-old-space-size`, given on the command line) are refused in a
 * worker's `execArgv`, though they already apply to it: the worker then starts without the parent's
 * options, which it does not need (it runs the built modules).
 */
function startWorker(entry: URL, data: unknown, resourceLimits: ResourceLimits | undefined): Worker {
  const options = { workerData: data, ...(resourceLimits ? { resourceLimits } : {}) };
  try {
    return new Worker(entry, { ...options, execArgv: workerExecArgv(process.execArgv) });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(entry, { ...options, execArgv: [] });
  }
}

/** How a `CallWorkerPool`'s threads are started. */
export interface CallWorkerPoolOptions {
  /**
   * V8 heap limits of each thread. A request thread's live data is its SDK clients and the requests
   * in flight, whatever the estate's size, so a bounded young generation saves memory without
   * promoting requests still in flight.
   */
  resourceLimits?: ResourceLimits;
}

/**
 * Worker threads that run a collector's requests, so the SDKs' per-request CPU spreads over every
 * core. The main thread keeps the call gate (needed facts, concurrency, rate budget, retries,
 * timeouts): a worker only runs one attempt when told, so the budget and the limit hold for all
 * threads at once. Each task goes to the least busy live worker; an aborted signal is passed on.
 * A worker that dies fails its tasks as `WorkerFailed`, and the others carry on.
 */
export class CallWorkerPool<Task> {
  private readonly workers: PooledWorker[] = [];
  private nextId = 0;

  /**
   * `entry` is the worker module (it calls `serveWorkerCalls`); `data` reaches it as `workerData`.
   * Workers are started at once: they load their SDKs while the main thread lists.
   */
  constructor(entry: URL, size: number, data: unknown, options: CallWorkerPoolOptions = {}) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(entry, data, options.resourceLimits);
      const pooled: PooledWorker = { worker, pending: new Map(), alive: true, send: batched<ToWorker>((batch) => worker.postMessage(batch)) };
      worker.on('message', (replies: FromWorker[]) => {
        for (const reply of replies) {
          const waiting = pooled.pending.get(reply.id);
          if (!waiting) continue;
          pooled.pending.delete(reply.id);
          if (reply.ok) waiting.resolve(reply.value);
          else waiting.reject(new DescribedCallError(reply.error));
        }
      });
      const fail = (why: string) => {
        pooled.alive = false;
        for (const waiting of pooled.pending.values()) waiting.reject(new DescribedCallError({ code: 'WorkerFailed', message: `the request thread stopped: ${why}` }));
        pooled.pending.clear();
      };
      worker.on('error', (error: Error) => fail(error.message));
      worker.on('exit', (code) => fail(`exit code ${code}`));
      this.workers.push(pooled);
    }
  }

  /**
   * Runs one task on a worker; the signal aborts it there. With `lane`, on that worker (modulo the
   * pool) while it lives: tasks of a rarely used kind kept on one worker spare the others the cost of
   * loading what they need.
   */
  run<T>(task: Task, signal: AbortSignal, lane?: number): Promise<T> {
    let chosen: PooledWorker | undefined = lane === undefined ? undefined : this.workers[lane % this.workers.length];
    if (!chosen?.alive) {
      chosen = undefined;
      for (const w of this.workers) if (w.alive && (!chosen || w.pending.size < chosen.pending.size)) chosen = w;
    }
    if (!chosen) return Promise.reject(new DescribedCallError({ code: 'WorkerFailed', message: 'no request thread is running' }));
    const target = chosen;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      target.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      const onAbort = () => target.send({ kind: 'abort', id });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      target.send({ kind: 'run', id, task });
    });
  }

  /** Sends every live worker a message of the collector's own (e.g. "release the clients of a region"). */
  broadcast(message: unknown): void {
    for (const w of this.workers) if (w.alive) w.send({ kind: 'broadcast', message });
  }

  /** Stops every worker; tasks still running fail as `WorkerFailed`. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/**
 * The worker side of a `CallWorkerPool`: runs each task (as the pool's `Task` type has it) with `handle`
 * and answers its value, or its
 * error as `describe` reads it (the main thread classifies it, as it would its own). Returns the data
 * the pool was started with.
 */
export function serveWorkerCalls<Data>(
  handle: (task: unknown, signal: AbortSignal, data: Data) => Promise<unknown>,
  describe: (error: unknown) => DescribedError,
  onBroadcast?: (message: unknown) => void,
): Data {
  const port = parentPort;
  if (!port) throw new Error('serveWorkerCalls runs only inside a worker thread');
  const data = workerData as Data;
  const running = new Map<number, AbortController>();
  const reply = batched<FromWorker>((batch) => {
    try {
      port.postMessage(batch);
    } catch {
      // One value that cannot be cloned (a bug, not an answer) fails its own call, not the batch.
      for (const r of batch) {
        try {
          port.postMessage([r]);
        } catch (error) {
          port.postMessage([{ id: r.id, ok: false, error: describe(error) } satisfies FromWorker]);
        }
      }
    }
  });
  port.on('message', (messages: ToWorker[]) => {
    for (const message of messages) {
      if (message.kind === 'abort') {
        running.get(message.id)?.abort();
        continue;
      }
      if (message.kind === 'broadcast') {
        onBroadcast?.(message.message);
        continue;
      }
      const { id } = message;
      const controller = new AbortController();
      running.set(id, controller);
      handle(message.task, controller.signal, data)
        .then(
          (value) => reply({ id, ok: true, value }),
          (error: unknown) => reply({ id, ok: false, error: describe(error) }),
        )
        .finally(() => running.delete(id));
    }
  });
  return data;
}
