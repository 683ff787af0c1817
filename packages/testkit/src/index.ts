export { loadFakeAwsEstate, s3Error, startFakeAws, xml, S3_SUBRESOURCES } from './fake-aws-server.js';
export type { FakeAwsEstate, FakeAwsServer, FakeResponse } from './fake-aws-server.js';
export { syntheticAwsEstate } from './synthetic-aws.js';
export { startSyntheticAwsProcess } from './synthetic-process.js';
