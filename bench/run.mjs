// pnpm bench: prints throughput figures. Targets (not asserted here): >= 1M rule x resource
// evaluations per second on one core, and 100k SARIF results written in under 1 s.
import { performance } from 'node:perf_hooks';
import { audit, loadPolicies, toSarif, FACT_CATALOGUE } from '@leakproof/core';

const policies = loadPolicies();
const kinds = Object.keys(FACT_CATALOGUE);

/** A synthetic estate: every kind, every fact, values chosen so that some rules pass and some fail. */
function syntheticResources(count) {
  const resources = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const facts = {};
    for (const [name, def] of Object.entries(FACT_CATALOGUE[kind])) {
      const flip = (i + name.length) % 3 === 0;
      let value;
      switch (def.type) {
        case 'boolean': value = flip; break;
        case 'number': value = (i % 30) + 1; break;
        case 'string': value = `v${i % 7}`; break;
        case 'enum': value = def.values[i % def.values.length]; break;
        case 'string[]': value = flip ? [`PostgreSQL 5432/tcp from 0.0.0.0/0`] : []; break;
      }
      facts[name] = i % 97 === 0 ? { unknown: 'AccessDenied' } : { value, evidence: [`${name} observed`] };
    }
    resources.push({ id: `res-${i}`, kind, provider: ['aws', 'gcp', 'azure'][i % 3], account: 'a', region: 'r', name: `res-${i}`, tags: i % 5 === 0 ? { data: 'phi' } : {}, facts });
  }
  return resources;
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

console.log(`leakproof benchmarks (node ${process.version}, ${policies.rules.length} rules)\n`);
for (const size of [10_000, 100_000]) {
  const resources = syntheticResources(size);
  audit({ resources: resources.slice(0, 2000), policies }); // warm-up
  // Every rule is evaluated against every resource of its kind (its `where` scope included).
  const perKind = new Map();
  for (const r of resources) perKind.set(r.kind, (perKind.get(r.kind) ?? 0) + 1);
  const evaluations = policies.rules.reduce((n, rule) => n + (perKind.get(rule.kind) ?? 0), 0);
  let ms = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    audit({ resources, policies });
    ms = Math.min(ms, performance.now() - start);
  }
  console.log(
    `evaluate ${size.toLocaleString('en-US')} resources: ${evaluations.toLocaleString('en-US')} rule x resource evaluations in ${ms.toFixed(0)} ms (best of 3) = ${Math.round(evaluations / (ms / 1000)).toLocaleString('en-US')} evaluations/s (target >= 1,000,000)`,
  );
}

// SARIF for 100k results: 100k failing storage buckets against one rule.
{
  const rule = policies.rules.find((r) => r.id === 'storage-public-read');
  const resources = Array.from({ length: 100_000 }, (_, i) => ({
    id: `arn:aws:s3:::bucket-${i}`, kind: 'storage-bucket', provider: 'aws', account: '111122223333', region: 'eu-west-1', name: `bucket-${i}`, tags: {},
    facts: { publicRead: { value: true, evidence: ['ACL grant to AllUsers: READ', 'bucket IgnorePublicAcls=false'] } },
  }));
  const result = audit({ resources, policies: { ...policies, rules: [rule] } });
  const times = [];
  let size = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const text = JSON.stringify(toSarif(result, { toolVersion: '0.0.0' }));
    times.push(performance.now() - start);
    size = text.length;
  }
  console.log(
    `write SARIF for ${result.summary.fail.toLocaleString('en-US')} results: first ${times[0].toFixed(0)} ms, best ${Math.min(...times).toFixed(0)} ms, ${mib(size)} (target < 1000 ms)`,
  );
}

console.log(`peak RSS: ${mib(process.resourceUsage().maxRSS * 1024)}`);

// A whole audit of a large snapshot into every format, in its own process so its RSS is its own.
{
  const { execFileSync } = await import('node:child_process');
  process.stdout.write(execFileSync(process.execPath, [new URL('./large-snapshot.mjs', import.meta.url).pathname], { encoding: 'utf8' }));
}

// A Terraform plan audit at scale (joins, .tf reads), in its own process.
{
  const { execFileSync } = await import('node:child_process');
  for (const size of ['2000', '10000']) process.stdout.write(execFileSync(process.execPath, [new URL('./plan.mjs', import.meta.url).pathname, size], { encoding: 'utf8' }));
}

// The live collectors at organisation scale (issue #15's estates), each collection in its own process.
const { benchCollectors } = await import('./collectors.mjs');
console.log('');
await benchCollectors();
console.log(`\npeak RSS of this process (the evaluation benchmarks above): ${mib(process.resourceUsage().maxRSS * 1024)}`);
