// The SDK command behind each call id, by name: `s3:GetBucketAcl` is the S3 client's
// `GetBucketAclCommand`. Each service's SDK module loads on its first request (see `loadService`).
import { loadService, type AwsClients } from './clients.js';
import { commandOf, type AwsOperationId, type AwsOutput, type AwsRequest } from './operations.js';

/**
 * Sends one request with the clients of one account; the answer loses the SDK's `$metadata`.
 *
 * No abort signal reaches the SDK: given per-request options, a client resolves its whole middleware
 * stack for every request instead of once per command (`cacheMiddleware`), about a quarter of the CPU
 * of a call. The request stays bounded: the HTTP handler ends it at the runtime's response timeout,
 * the runtime stops waiting at its own (or at the deadline), and closing the clients ends the rest.
 */
export async function sendRequest<K extends AwsOperationId>(clients: AwsClients, request: AwsRequest<K>): Promise<AwsOutput<K>> {
  const { service, command } = commandOf(request.id);
  const module = await loadService(service);
  const Command = module[command] as new (input: unknown) => object;
  const { $metadata: _metadata, ...output } = (await clients.forService(service, request.region, module).send(new Command(request.input))) as AwsOutput<K> & { $metadata?: unknown };
  return output as AwsOutput<K>;
}
