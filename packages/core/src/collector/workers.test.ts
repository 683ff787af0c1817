import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CallWorkerPool, workerExecArgv } from './workers.js';
import { DescribedCallError } from './runtime.js';

type Task = { op: 'echo'; value: number } | { op: 'fail' | 'hang' | 'die' | 'clone' | 'limits' };

const entry = new URL('../test-helpers/echo-worker.mjs', import.meta.url);
let pool: CallWorkerPool<Task> | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const described = async (p: Promise<unknown>) => {
  const error: unknown = await p.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DescribedCallError);
  return (error as DescribedCallError).described;
};

describe('CallWorkerPool', () => {
  it('runs tasks on its threads and answers each with its own value', async () => {
    pool = new CallWorkerPool<Task>(entry, 2, { tag: 'bench' });
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => pool!.run<{ value: number; tag: string }>({ op: 'echo', value: i }, new AbortController().signal)));
    expect(values.map((v) => v.value)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(values.every((v) => v.tag === 'bench')).toBe(true);
  });

  it('hands back an error as the thread described it', async () => {
    pool = new CallWorkerPool<Task>(entry, 1, {});
    expect(await described(pool.run({ op: 'fail' }, new AbortController().signal))).toEqual({ code: 'AccessDenied', message: 'denied' });
  });

  it('passes an abort on to the thread that runs the task', async () => {
    pool = new CallWorkerPool<Task>(entry, 1, {});
    const controller = new AbortController();
    const running = pool.run({ op: 'hang' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await described(running)).code).toBe('Aborted');
  });

  it('fails an answer that cannot be cloned without failing the thread', async () => {
    pool = new CallWorkerPool<Task>(entry, 1, {});
    expect((await described(pool.run({ op: 'clone' }, new AbortController().signal))).message).toMatch(/could not be cloned/);
    expect(await pool.run({ op: 'echo', value: 7 }, new AbortController().signal)).toMatchObject({ value: 7 });
  });

  it('fails the tasks of a thread that dies as WorkerFailed, and the others carry on', async () => {
    pool = new CallWorkerPool<Task>(entry, 2, {});
    const lost = await described(pool.run({ op: 'die' }, new AbortController().signal, 0));
    expect(lost.code).toBe('WorkerFailed');
    expect(await pool.run({ op: 'echo', value: 1 }, new AbortController().signal, 0)).toMatchObject({ value: 1 });
  });

  it('starts its threads with the heap limits it is given', async () => {
    pool = new CallWorkerPool<Task>(entry, 1, {}, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    expect(await pool.run({ op: 'limits' }, new AbortController().signal)).toMatchObject({ maxYoungGenerationSizeMb: 16 });
  });

  it('starts its threads when the process was given V8 options on its command line, which a thread refuses', () => {
    // Plain Node and the built module: the options are the parent's own command line.
    const script = `import { CallWorkerPool } from '@leakproof/core';
      const pool = new CallWorkerPool(new URL(${JSON.stringify(entry.href)}), 1, { tag: 'v8-flags' });
      const answer = await pool.run({ op: 'echo', value: 1 }, new AbortController().signal);
      await pool.close();
      console.log(JSON.stringify(answer));`;
    const out = execFileSync(process.execPath, ['--stack-trace-limit=50', '--max-old-space-size=512', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url) });
    expect(JSON.parse(out)).toEqual({ value: 1, tag: 'v8-flags' });
  });

  it('fails at once when no thread is left', async () => {
    pool = new CallWorkerPool<Task>(entry, 1, {});
    await described(pool.run({ op: 'die' }, new AbortController().signal));
    expect((await described(pool.run({ op: 'echo', value: 1 }, new AbortController().signal))).code).toBe('WorkerFailed');
  });
});

describe('workerExecArgv', () => {
  it.each([
    [['--conditions', 'leakproof-source', '--conditions', 'node'], ['--conditions', 'node']],
    [['-C', 'leakproof-source', '--max-old-space-size=512'], ['--max-old-space-size=512']],
    [['--conditions=leakproof-source', '--enable-source-maps'], ['--enable-source-maps']],
  ])('keeps the parent’s options but the source condition: %j', (given, kept) => {
    expect(workerExecArgv(given)).toEqual(kept);
  });
});
