// The live collectors against local servers (each in its own process) that answer every request after
// 50 ms, like a distant region. Each collection runs in a process of its own, so its peak RSS is its
// own. For each estate it prints wall time, CPU time, peak RSS, calls per operation, the most calls in
// flight, and the ratio of wall time to the network bound calls x latency / calls in flight (1.0 is
// perfect overlap). Run alone: `node bench/collectors.mjs [aws|gcp|azure]`.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const LATENCY = 50;
const CONCURRENCY = 256;
const MAX_RPS = 1_000_000;

/** The estates of issue #15: storage and firewalls, small and large. Targets are wall / bound. */
const ESTATES = [
  { buckets: 2_000, firewalls: 5_000, target: 3 },
  { buckets: 10_000, firewalls: 50_000, target: 2 },
];

const PROVIDERS = {
  aws: {
    label: 'AWS (17 regions)',
    storage: 'buckets',
    firewalls: 'security groups',
    async collect(endpoint, options) {
      const { collectAws } = await import('@leakproof/aws');
      return collectAws({ credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' }, env: { AWS_ENDPOINT_URL: endpoint }, ...options });
    },
  },
  gcp: {
    label: 'GCP (one project)',
    storage: 'buckets',
    firewalls: 'firewall rules',
    async collect(endpoint, options) {
      const { collectGcp } = await import('@leakproof/gcp');
      return collectGcp({ env: { STORAGE_EMULATOR_HOST: endpoint, LEAKPROOF_GCP_API_ENDPOINT: endpoint }, projects: ['bench-project'], ...options });
    },
  },
  azure: {
    label: 'Azure (one subscription)',
    storage: 'storage accounts',
    firewalls: 'NSGs',
    async collect(endpoint, options) {
      const { collectAzure } = await import('@leakproof/azure');
      return collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: endpoint }, subscriptions: ['00000000-0000-0000-0000-0000000be0c4'], ...options });
    },
  },
};

/** One collection in this process, printed as one JSON line. */
async function runOnce({ provider, buckets, firewalls, cores, accountBpa }) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { factsNeededBy, limitHeapGrowth, loadPolicies } = await import('@leakproof/core');
  // As the CLI and the Action run a collection: with each heap's growth bounded.
  limitHeapGrowth();
  const { startSyntheticProcess } = await import('@leakproof/testkit');
  const server = await startSyntheticProcess(provider, buckets, LATENCY, { firewalls, accountBlockPublicAccess: accountBpa === true });
  try {
    // What the CLI collects: only the facts the built-in rules read.
    const needed = factsNeededBy(loadPolicies().rules);
    const start = performance.now();
    const cpu = process.cpuUsage();
    // The rate budget is lifted: the local server never throttles, and the budget's pace (e.g. ARM's
    // 20 requests/s) would measure the budget, not the collector.
    const result = await PROVIDERS[provider].collect(server.endpoint, { concurrency: CONCURRENCY, maxRps: MAX_RPS, needed, ...(cores ? { cores } : {}) });
    const wall = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({
      wall,
      cpu: (used.user + used.system) / 1e6,
      rssMiB: process.resourceUsage().maxRSS / 1024,
      callCounts: result.callCounts,
      maxInFlight: result.stats.maxInFlight,
      threads: result.requestThreads ?? 0,
      resources: result.resources.length,
      errors: result.notices.filter((n) => n.level === 'error').map((n) => n.message),
    }));
  } finally {
    server.stop();
  }
}

function describeRun(provider, label, estate, r) {
  const p = PROVIDERS[provider];
  const calls = Object.values(r.callCounts).reduce((a, b) => a + b, 0);
  const bound = (calls * LATENCY) / 1000 / CONCURRENCY;
  const perOp = Object.entries(r.callCounts).sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ${n.toLocaleString('en-US')}`).join(', ');
  const ratio = r.wall / bound;
  const met = (ok) => (ok ? 'met' : 'NOT met');
  console.log(
    `${p.label}, ${estate.buckets.toLocaleString('en-US')} ${p.storage} + ${estate.firewalls.toLocaleString('en-US')} ${p.firewalls}, ${label}${r.threads ? ` (${r.threads} request threads)` : ''}: ` +
      `${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(1)} s CPU, peak RSS ${r.rssMiB.toFixed(0)} MiB (< 200: ${met(r.rssMiB < 200)}), ` +
      `${calls.toLocaleString('en-US')} calls, at most ${r.maxInFlight} in flight, bound ${bound.toFixed(2)} s, ratio ${ratio.toFixed(2)} (<= ${estate.target}: ${met(ratio <= estate.target)})` +
      `${r.errors.length ? `; ${r.errors.length} error notice(s): ${r.errors[0]}` : ''}\n    calls per operation: ${perOp}`,
  );
}

/**
 * Every estate of every provider; AWS also with `--cores 1`, to show what the request threads bring,
 * and the small estate in an account whose S3 Block Public Access is on (no bucket's own is read).
 */
export async function benchCollectors(providers = Object.keys(PROVIDERS)) {
  const self = fileURLToPath(import.meta.url);
  for (const provider of providers) {
    for (const estate of ESTATES) {
      const runs = provider === 'aws' ? [[undefined, 'every core (default)'], [1, '--cores 1']] : [[undefined, 'main thread']];
      if (provider === 'aws' && estate === ESTATES[0]) runs.push([undefined, 'account Block Public Access on, every core', true]);
      for (const [cores, label, accountBpa] of runs) {
        const args = [self, '--child', JSON.stringify({ provider, buckets: estate.buckets, firewalls: estate.firewalls, ...(cores ? { cores } : {}), ...(accountBpa ? { accountBpa } : {}) })];
        const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: process.env });
        describeRun(provider, label, estate, JSON.parse(out.trim().split('\n').pop()));
      }
    }
  }
}

if (process.argv[2] === '--child') await runOnce(JSON.parse(process.argv[3]));
else if (import.meta.url === `file://${process.argv[1]}`) await benchCollectors(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
