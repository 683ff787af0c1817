import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { endpointOverride, type AwsService } from './endpoints.js';

/** Static credentials or a provider, as every v3 client accepts them. */
export type Credentials = NonNullable<STSClientConfig['credentials']>;

export interface ClientOptions {
  credentials: Credentials;
  /** Requests in flight at once, across every service; the sockets are sized to match. */
  concurrency: number;
  /** Socket limits in milliseconds; retries belong to the shared runtime, so the SDK makes one attempt. */
  timeouts: { connect: number; response: number };
  env: Record<string, string | undefined>;
}

/** What leakproof uses of an SDK client: sending a command, and letting go of it. */
export interface SdkClient {
  send(command: object): Promise<object>;
  destroy(): void;
}

/** An SDK client module, as far as leakproof uses it: its client class and its commands by name. */
export type SdkModule = Record<string, unknown>;

/** The client class of each service's module. */
const CLIENT_CLASS: Record<AwsService, string> = { s3: 'S3Client', s3control: 'S3ControlClient', ec2: 'EC2Client', rds: 'RDSClient', sts: 'STSClient', organizations: 'OrganizationsClient' };

const modules = new Map<AwsService, Promise<SdkModule>>();

/**
 * The SDK module of a service, loaded on first use: a thread loads only the clients it sends with
 * (EC2's alone costs about a second of CPU to load), and a plan audit none.
 */
export function loadService(service: AwsService): Promise<SdkModule> {
  let loaded = modules.get(service);
  if (!loaded) {
    // Literal specifiers, one per service, so that bundlers see each module.
    const load: Record<AwsService, () => Promise<SdkModule>> = {
      s3: () => import('@aws-sdk/client-s3'),
      s3control: () => import('@aws-sdk/client-s3-control'),
      ec2: () => import('@aws-sdk/client-ec2'),
      rds: () => import('@aws-sdk/client-rds'),
      sts: () => import('@aws-sdk/client-sts'),
      organizations: () => import('@aws-sdk/client-organizations'),
    };
    loaded = load[service]();
    modules.set(service, loaded);
  }
  return loaded;
}

/**
 * Builds SDK clients lazily, per service and region actually used, and caches them. Each region has
 * one HTTP handler whose socket pool matches the concurrency limit (the default agent would queue
 * requests behind a few sockets); `release` destroys a region's clients and sockets once its work is
 * done, so memory does not grow with the regions.
 */
export class AwsClients {
  private readonly options: ClientOptions;
  private readonly handlers = new Map<string, NodeHttpHandler>();
  private readonly cache = new Map<string, SdkClient>();

  constructor(options: ClientOptions) {
    this.options = options;
  }

  private handler(region: string): NodeHttpHandler {
    let handler = this.handlers.get(region);
    if (!handler) {
      const { concurrency, timeouts } = this.options;
      const agentOptions = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency };
      handler = new NodeHttpHandler({ httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), connectionTimeout: timeouts.connect, requestTimeout: timeouts.response });
      this.handlers.set(region, handler);
    }
    return handler;
  }

  private base(region: string) {
    // cacheMiddleware: the middleware stack is resolved once per command, not once per request (see sendRequest).
    return { region, credentials: this.options.credentials, maxAttempts: 1, requestHandler: this.handler(region), cacheMiddleware: true };
  }

  /** The client of a service in a region, made on first use from the service's module (see `loadService`). */
  forService(service: AwsService, region: string, module: SdkModule): SdkClient {
    const key = `${service}:${region}`;
    let client = this.cache.get(key);
    if (!client) {
      const Client = module[CLIENT_CLASS[service]] as new (config: object) => SdkClient;
      client = new Client(this.config(service, region));
      this.cache.set(key, client);
    }
    return client;
  }

  private config(service: AwsService, region: string): object {
    const endpoint = endpointOverride(service, this.options.env);
    switch (service) {
      case 's3':
        return {
          ...this.base(region),
          // Configuration reads carry no payload to protect; checksums only where a request requires them.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          // Emulators and local servers are addressed by path (http://host:port/bucket), not by bucket subdomain.
          ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        };
      case 's3control':
        // S3 Control's endpoint rules prefix the account id to the host, which breaks a custom endpoint;
        // an endpoint provider that returns the URL as given keeps requests on it.
        return { ...this.base(region), ...(endpoint ? { endpoint, endpointProvider: () => ({ url: new URL(endpoint) }) } : {}) };
      default:
        // Organizations is a global service whose endpoint lives in us-east-1 (aws partition): the home region.
        return { ...this.base(region), ...(endpoint ? { endpoint } : {}) };
    }
  }

  /** Destroys the clients and sockets of one region; a later request there makes new ones. */
  release(region: string): void {
    for (const [key, client] of this.cache) {
      if (key.endsWith(`:${region}`)) {
        client.destroy();
        this.cache.delete(key);
      }
    }
    this.handlers.get(region)?.destroy();
    this.handlers.delete(region);
  }

  /** Destroys every client and socket. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    for (const handler of this.handlers.values()) handler.destroy();
    this.cache.clear();
    this.handlers.clear();
  }
}
