import { describe, expect, it } from 'vitest';
import { AWS_CALLS } from '../calls.js';
import { AwsClients, loadService } from './clients.js';
import { commandOf } from './operations.js';

describe('the call table names real SDK commands', () => {
  it.each(AWS_CALLS.map((c) => [c.id]))('%s is a command of its service’s SDK client', async (id) => {
    const { service, command } = commandOf(id);
    const module = await loadService(service);
    expect(typeof module[command]).toBe('function');
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, concurrency: 1, timeouts: { connect: 100, response: 100 }, env: {} });
    try {
      expect(typeof clients.forService(service, 'eu-west-1', module).send).toBe('function');
    } finally {
      clients.destroy();
    }
  });
});
