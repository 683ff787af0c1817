// Child-process entry: serves a synthetic estate (aws, gcp or azure) so that benchmarks measure the
// collector, not a server competing for the same CPU. Prints the endpoint; exits when stdin closes.
import { startFakeAws } from './fake-aws-server.js';
import { startFakeArm } from './fake-arm-server.js';
import { startFakeGcp } from './fake-gcp-server.js';
import { syntheticArmEstate } from './synthetic-azure.js';
import { syntheticAwsEstate } from './synthetic-aws.js';
import { syntheticGcpEstate } from './synthetic-gcp.js';

const provider = process.argv[2] ?? 'aws';
const buckets = Number(process.argv[3] ?? 2000);
const latencyMs = Number(process.argv[4] ?? 50);
// The firewalls of the estate: security groups (AWS), firewall rules (GCP), NSGs (Azure).
const firewalls = Number(process.argv[5] ?? 0);
const server =
  provider === 'gcp'
    ? await startFakeGcp(syntheticGcpEstate({ buckets, firewalls }), { latencyMs })
    : provider === 'azure'
      ? await startFakeArm(syntheticArmEstate({ accounts: buckets, networkSecurityGroups: firewalls }), { latencyMs })
      : await startFakeAws(syntheticAwsEstate({ buckets, securityGroups: firewalls, accountBlockPublicAccess: process.argv[6] === 'account-bpa' }), { latencyMs });
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
