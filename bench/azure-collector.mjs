// The Azure collector against a local ARM server (in its own process) answering every request after
// 50 ms. Each storage account needs two calls (blob service properties, containers), k = 2.
import { performance } from 'node:perf_hooks';
import { collectAzure } from '@leakproof/azure';
import { startSyntheticProcess } from '@leakproof/testkit';

const N = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const LATENCY = 50;

export async function benchAzureCollector() {
  const server = await startSyntheticProcess('azure', N, LATENCY);
  try {
    for (const concurrency of [10, 32, 128]) {
      const start = performance.now();
      const result = await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: server.endpoint }, subscriptions: ['00000000-0000-0000-0000-00000000bench'], concurrency });
      const seconds = (performance.now() - start) / 1000;
      const calls = Object.values(result.callCounts).reduce((a, b) => a + b, 0);
      const k = ((result.callCounts['blobContainers.list'] ?? 0) + (result.callCounts['blobServices.getServiceProperties'] ?? 0)) / N;
      const bound = (N * k * LATENCY) / 1000 / concurrency;
      console.log(
        `Azure collector, ${N.toLocaleString('en-US')} storage accounts at ${LATENCY} ms/request, concurrency ${concurrency}: ${seconds.toFixed(2)} s wall, ` +
          `${calls.toLocaleString('en-US')} API calls (${k.toFixed(1)} per account), bound N*k*L/C = ${bound.toFixed(2)} s, ratio ${(seconds / bound).toFixed(2)}`,
      );
    }
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAzureCollector();
