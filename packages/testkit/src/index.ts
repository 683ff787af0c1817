export { loadFakeAwsEstate, s3Error, startFakeAws, xml, S3_SUBRESOURCES } from './fake-aws-server.js';
export type { FakeAwsEstate, FakeAwsServer, FakeResponse } from './fake-aws-server.js';
export { syntheticAwsEstate } from './synthetic-aws.js';
export { startSyntheticProcess } from './synthetic-process.js';
export { syntheticGcpEstate } from './synthetic-gcp.js';
export { loadFakeGcpEstate, startFakeGcp } from './fake-gcp-server.js';
export type { FakeGcpEstate, FakeGcpServer, GcpAnswer } from './fake-gcp-server.js';
