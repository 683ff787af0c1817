import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Static credentials or a provider, as every v3 client accepts them. */
export type Credentials = NonNullable<STSClientConfig['credentials']>;

/** The per-service endpoint variables the AWS SDKs and LocalStack users rely on. */
const SERVICE_ENV: Record<'s3' | 's3control' | 'ec2' | 'rds' | 'sts' | 'organizations', string> = {
  organizations: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
  s3: 'AWS_ENDPOINT_URL_S3',
  s3control: 'AWS_ENDPOINT_URL_S3_CONTROL',
  ec2: 'AWS_ENDPOINT_URL_EC2',
  rds: 'AWS_ENDPOINT_URL_RDS',
  sts: 'AWS_ENDPOINT_URL_STS',
};

/** The overridden endpoint for a service: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL. */
export function endpointOverride(service: keyof typeof SERVICE_ENV, env: Record<string, string | undefined>): string | undefined {
  return env[SERVICE_ENV[service]] || env.AWS_ENDPOINT_URL || undefined;
}

export interface ClientOptions {
  credentials: Credentials;
  /** Requests in flight at once, across every service; the sockets are sized to match. */
  concurrency: number;
  /** Socket limits in milliseconds; retries belong to the shared runtime, so the SDK makes one attempt. */
  timeouts: { connect: number; response: number };
  env: Record<string, string | undefined>;
}

/**
 * Builds and caches SDK clients per service and region, sharing one HTTP handler whose socket pool
 * matches the concurrency limit (the default agent would queue requests behind a few sockets).
 */
export class AwsClients {
  private readonly options: ClientOptions;
  private readonly handler: NodeHttpHandler;
  private readonly cache = new Map<string, unknown>();

  constructor(options: ClientOptions) {
    this.options = options;
    const agentOptions = { keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency };
    this.handler = new NodeHttpHandler({ httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), connectionTimeout: options.timeouts.connect, requestTimeout: options.timeouts.response });
  }

  private base(region: string) {
    return { region, credentials: this.options.credentials, maxAttempts: 1, requestHandler: this.handler };
  }

  private cached<T>(key: string, make: () => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      this.cache.set(key, client);
    }
    return client;
  }

  s3(region: string): S3Client {
    const endpoint = endpointOverride('s3', this.options.env);
    // Emulators and local servers are addressed by path (http://host:port/bucket), not by bucket subdomain.
    return this.cached(
      `s3:${region}`,
      () =>
        new S3Client({
          ...this.base(region),
          // Configuration reads carry no payload to protect; checksums only where a request requires them.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        }),
    );
  }

  s3control(region: string): S3ControlClient {
    const endpoint = endpointOverride('s3control', this.options.env);
    // S3 Control's endpoint rules prefix the account id to the host, which breaks a custom endpoint;
    // an endpoint provider that returns the URL as given keeps requests on it.
    return this.cached(`s3control:${region}`, () =>
      new S3ControlClient({ ...this.base(region), ...(endpoint ? { endpoint, endpointProvider: () => ({ url: new URL(endpoint) }) } : {}) }),
    );
  }

  ec2(region: string): EC2Client {
    const endpoint = endpointOverride('ec2', this.options.env);
    return this.cached(`ec2:${region}`, () => new EC2Client({ ...this.base(region), ...(endpoint ? { endpoint } : {}) }));
  }

  rds(region: string): RDSClient {
    const endpoint = endpointOverride('rds', this.options.env);
    return this.cached(`rds:${region}`, () => new RDSClient({ ...this.base(region), ...(endpoint ? { endpoint } : {}) }));
  }

  /** Organizations is a global service; its endpoint lives in us-east-1 (aws partition). */
  organizations(region: string): OrganizationsClient {
    const endpoint = endpointOverride('organizations', this.options.env);
    return this.cached(`organizations:${region}`, () => new OrganizationsClient({ ...this.base(region), ...(endpoint ? { endpoint } : {}) }));
  }

  sts(region: string): STSClient {
    const endpoint = endpointOverride('sts', this.options.env);
    return this.cached(`sts:${region}`, () => new STSClient({ ...this.base(region), ...(endpoint ? { endpoint } : {}) }));
  }

  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.handler.destroy();
  }
}
