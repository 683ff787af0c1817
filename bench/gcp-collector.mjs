// The GCP collector against a local server (in its own process) answering every request after 50 ms.
// Buckets come with their ACLs from one paged listing; each bucket then needs one IAM call (k = 1).
import { performance } from 'node:perf_hooks';
import { collectGcp } from '@leakproof/gcp';
import { startSyntheticProcess } from '@leakproof/testkit';

const N = Number(process.env.BENCH_BUCKETS ?? 2000);
const LATENCY = 50;

export async function benchGcpCollector() {
  const server = await startSyntheticProcess('gcp', N, LATENCY);
  try {
    for (const concurrency of [10, 32, 128]) {
      const start = performance.now();
      const result = await collectGcp({ env: { STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint }, projects: ['bench-project'], concurrency });
      const seconds = (performance.now() - start) / 1000;
      const calls = Object.values(result.callCounts).reduce((a, b) => a + b, 0);
      const k = (result.callCounts['storage.buckets.getIamPolicy'] ?? 0) / N;
      const bound = (N * k * LATENCY) / 1000 / concurrency;
      console.log(
        `GCP collector, ${result.resources.length.toLocaleString('en-US')} buckets at ${LATENCY} ms/request, concurrency ${concurrency}: ${seconds.toFixed(2)} s wall, ` +
          `${calls.toLocaleString('en-US')} API calls (${k.toFixed(1)} per bucket), bound N*k*L/C = ${bound.toFixed(2)} s, ratio ${(seconds / bound).toFixed(2)}`,
      );
    }
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGcpCollector();
