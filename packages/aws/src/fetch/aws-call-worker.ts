// A request thread of the AWS collector: makes the requests the main thread's call gate lets through,
// with SDK clients of its own per account and region, and answers plain data.
import { serveWorkerCalls } from '@leakproof/core';
import { describeAwsError } from '../calls.js';
import { AwsClients, loadService } from './clients.js';
import { sendRequest } from './commands.js';
import type { AwsWorkerData, AwsWorkerRelease, AwsWorkerTask } from './sender.js';

const accounts = new Map<string, AwsClients>();

serveWorkerCalls<AwsWorkerData>(
  (task, _signal, data) => {
    const work = task as AwsWorkerTask;
    if (work.kind === 'load') return loadService(work.service).then(() => null);
    const { request, credentials } = work;
    let clients = accounts.get(credentials.accessKeyId);
    if (!clients) {
      clients = new AwsClients({ credentials, concurrency: data.concurrency, timeouts: data.timeouts, env: data.env });
      accounts.set(credentials.accessKeyId, clients);
    }
    return sendRequest(clients, request);
  },
  describeAwsError,
  (message) => {
    const { release, accessKeyId } = message as AwsWorkerRelease;
    accounts.get(accessKeyId)?.release(release);
  },
);
