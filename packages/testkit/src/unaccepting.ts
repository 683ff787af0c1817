import { fork } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An endpoint whose TCP connects never complete, and how to stop it. */
export interface UnacceptingEndpoint {
  endpoint: string;
  close(): Promise<void>;
}

// The listener runs in a child process that blocks its own event loop, so it never accepts.
const LISTENER = `const net = require('node:net');
const server = net.createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.send(server.address().port, () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
});`;

/**
 * A connect that hangs, on 127.0.0.1: a listener with a backlog of one that never accepts, its accept
 * queue filled by a few connections of our own. The kernel then drops further SYNs, so a client's
 * connect stays pending until its own connect timeout gives up (the fault a blackholed address shows).
 */
export async function startUnacceptingEndpoint(): Promise<UnacceptingEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'leakproof-unaccepting-'));
  const file = join(dir, 'listener.cjs');
  writeFileSync(file, LISTENER);
  const child = fork(file, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(Number(m)));
    child.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) fillers.push(connect(port, '127.0.0.1').on('error', () => {}));
  await new Promise((r) => setTimeout(r, 200));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    },
  };
}
