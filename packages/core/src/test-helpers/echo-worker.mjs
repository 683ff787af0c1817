// A request thread for the CallWorkerPool tests: `echo` answers its value, `fail` throws, `hang` never
// answers until aborted, `limits` answers the thread's heap limits, `die` ends the thread.
import { resourceLimits } from 'node:worker_threads';
import { serveWorkerCalls } from '@leakproof/core';

serveWorkerCalls(
  (task, signal, data) => {
    if (task.op === 'echo') return Promise.resolve({ value: task.value, tag: data.tag });
    if (task.op === 'fail') return Promise.reject(Object.assign(new Error('denied'), { code: 'AccessDenied' }));
    if (task.op === 'hang') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'Aborted' }))));
    if (task.op === 'limits') return Promise.resolve(resourceLimits);
    if (task.op === 'clone') return Promise.resolve({ fn: () => 1 });
    process.exit(3);
  },
  (error) => ({ code: error.code ?? 'Error', message: error.message }),
);
