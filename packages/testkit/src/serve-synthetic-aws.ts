// Child-process entry: serves a synthetic AWS estate so that benchmarks measure the collector, not a
// server competing for the same CPU. Prints the endpoint on stdout; exits when stdin closes.
import { startFakeAws } from './fake-aws-server.js';
import { syntheticAwsEstate } from './synthetic-aws.js';

const buckets = Number(process.argv[2] ?? 2000);
const latencyMs = Number(process.argv[3] ?? 50);
const server = await startFakeAws(syntheticAwsEstate({ buckets }), { latencyMs });
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
