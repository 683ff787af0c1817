// Which endpoint each service is reached at. No SDK here: the main thread needs it without one.

/** The services leakproof calls, by the prefix of their call ids. */
export type AwsService = 's3' | 's3control' | 'ec2' | 'rds' | 'sts' | 'organizations';

/** The per-service endpoint variables the AWS SDKs and LocalStack users rely on. */
const SERVICE_ENV: Record<AwsService, string> = {
  organizations: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
  s3: 'AWS_ENDPOINT_URL_S3',
  s3control: 'AWS_ENDPOINT_URL_S3_CONTROL',
  ec2: 'AWS_ENDPOINT_URL_EC2',
  rds: 'AWS_ENDPOINT_URL_RDS',
  sts: 'AWS_ENDPOINT_URL_STS',
};

/** The overridden endpoint for a service: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL. */
export function endpointOverride(service: AwsService, env: Record<string, string | undefined>): string | undefined {
  return env[SERVICE_ENV[service]] || env.AWS_ENDPOINT_URL || undefined;
}

/** Just the endpoint variables of an environment: what a request thread needs of it, and nothing else. */
export function endpointEnv(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ['AWS_ENDPOINT_URL', ...Object.values(SERVICE_ENV)]) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return picked;
}
