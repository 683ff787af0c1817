// A Terraform plan audit at scale: N buckets, each with a bucket policy known only after apply (judged from
// its .tf block) and a versioning resource, all joined through configuration references. Prints wall time
// and peak RSS; run in its own process (node bench/plan.mjs [buckets]).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { audit, loadPolicies } from '@leakproof/core';
import { readTerraformPlan } from '@leakproof/terraform';

const buckets = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'leakproof-plan-bench-'));
const tf = [];
const changes = [];
const config = [];
const create = (address, type, name, after, unknown) => changes.push({ address, mode: 'managed', type, name, change: { actions: ['create'], before: null, after, after_unknown: unknown } });
for (let i = 0; i < buckets; i++) {
  tf.push(
    `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bench-${i}"\n}\n`,
    `resource "aws_s3_bucket_policy" "p${i}" {\n  bucket = aws_s3_bucket.b${i}.id\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "${i % 10 ? 'Deny' : 'Allow'}", Principal = "*", Action = "s3:GetObject", Resource = "\${aws_s3_bucket.b${i}.arn}/*" }]\n  })\n}\n`,
    `resource "aws_s3_bucket_versioning" "v${i}" {\n  bucket = aws_s3_bucket.b${i}.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n`,
  );
  create(`aws_s3_bucket.b${i}`, 'aws_s3_bucket', `b${i}`, { bucket: `bench-${i}`, tags: {}, tags_all: {} }, { arn: true, id: true });
  create(`aws_s3_bucket_policy.p${i}`, 'aws_s3_bucket_policy', `p${i}`, {}, { bucket: true, id: true, policy: true });
  create(`aws_s3_bucket_versioning.v${i}`, 'aws_s3_bucket_versioning', `v${i}`, { versioning_configuration: [{ status: 'Enabled' }] }, { bucket: true, id: true });
  const ref = { references: [`aws_s3_bucket.b${i}.id`, `aws_s3_bucket.b${i}`] };
  config.push(
    { address: `aws_s3_bucket.b${i}`, mode: 'managed', type: 'aws_s3_bucket', name: `b${i}`, expressions: { bucket: { constant_value: `bench-${i}` } } },
    { address: `aws_s3_bucket_policy.p${i}`, mode: 'managed', type: 'aws_s3_bucket_policy', name: `p${i}`, expressions: { bucket: ref, policy: { references: [`aws_s3_bucket.b${i}.arn`, `aws_s3_bucket.b${i}`] } } },
    { address: `aws_s3_bucket_versioning.v${i}`, mode: 'managed', type: 'aws_s3_bucket_versioning', name: `v${i}`, expressions: { bucket: ref } },
  );
}
writeFileSync(join(dir, 'main.tf'), tf.join('\n'));
writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format_version: '1.2', terraform_version: '1.9.5', planned_values: { root_module: {} }, resource_changes: changes, configuration: { root_module: { resources: config } } }));

const policies = loadPolicies();
const start = performance.now();
const planned = readTerraformPlan(join(dir, 'plan.json'), { cwd: dir, sourceRoot: '.' });
const result = audit({ resources: planned.resources, notices: planned.notices, policies });
const ms = performance.now() - start;
rmSync(dir, { recursive: true, force: true });
// Every policy is judged from its .tf block, so nothing is left unknown.
const unknown = result.findings.filter((f) => f.status === 'not-evaluated').length;
console.log(
  `plan audit: ${buckets.toLocaleString('en-US')} buckets (${changes.length.toLocaleString('en-US')} resource changes, ${tf.length.toLocaleString('en-US')} .tf blocks) in ${ms.toFixed(0)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ${unknown} verdicts not evaluated (expected 0)`,
);
