// The AWS collector against a local server (in its own process) that answers every request after
// 50 ms, like a distant region. Prints wall time, API calls per bucket, and the ratio of wall time to
// the bound N*k*L/C (N buckets, k calls per bucket, L latency, C calls in flight): 1.0 is perfect overlap.
import { performance } from 'node:perf_hooks';
import { collectAws } from '@leakproof/aws';
import { factsNeededBy, loadPolicies } from '@leakproof/core';
import { startSyntheticProcess } from '@leakproof/testkit';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const N = Number(process.env.BENCH_BUCKETS ?? 2000);
const LATENCY = 50;

export async function benchAwsCollector() {
  const server = await startSyntheticProcess('aws', N, LATENCY);
  try {
    // What the CLI collects: only the facts the built-in rules read (e.g. no object-lock or ownership calls).
    const builtIn = factsNeededBy(loadPolicies().rules);
    for (const [concurrency, needed, label] of [
      [10, builtIn, 'built-in rules'],
      [128, builtIn, 'built-in rules'],
      [256, builtIn, 'built-in rules'],
      [128, undefined, 'every fact'],
    ]) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const result = await collectAws({
        credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
        env: { AWS_ENDPOINT_URL: server.endpoint },
        concurrency,
        needed,
        regions: ['eu-west-1', 'us-east-1', 'eu-central-1'],
      });
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      const calls = Object.values(result.callCounts).reduce((a, b) => a + b, 0);
      const bucketCalls = Object.entries(result.callCounts).filter(([id]) => /^s3:Get/.test(id)).reduce((n, [, c]) => n + c, 0);
      const k = bucketCalls / N;
      const bound = (N * k * LATENCY) / 1000 / concurrency;
      const buckets = result.resources.filter((r) => r.kind === 'storage-bucket').length;
      console.log(
        `AWS collector (${label}), ${buckets.toLocaleString('en-US')} buckets at ${LATENCY} ms/request, concurrency ${concurrency}: ${seconds.toFixed(2)} s wall, ` +
          `${calls.toLocaleString('en-US')} API calls (${k.toFixed(1)} per bucket), bound N*k*L/C = ${bound.toFixed(2)} s, ratio ${(seconds / bound).toFixed(2)}, ` +
          `client CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`,
      );
    }
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAwsCollector();
