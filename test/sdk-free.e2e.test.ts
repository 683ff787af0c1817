import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from './helpers/cli.js';

// A module hook that prints every cloud SDK module a process loads, one line each.
const SDK = String.raw`/node_modules/(\.pnpm/)?(@aws-sdk|@smithy|@azure|@googleapis|googleapis|google-auth-library|@google-cloud)`;
const dir = tempDir();
const hook = join(dir, 'report-sdk-loads.mjs');
writeFileSync(
  hook,
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(`export async function resolve(s, c, next) { const r = await next(s, c); if (new RegExp(${JSON.stringify(SDK)}).test(r.url)) process.stdout.write('SDK ' + r.url + '\\n'); return r; }`)}));
`,
);
const sdkLoads = (output: string): string[] => output.split('\n').filter((l) => l.startsWith('SDK '));

describe('what loads no cloud SDK', () => {
  it('the hook itself sees an SDK when one is loaded (so the tests below can fail)', () => {
    const clients = JSON.stringify(pathToFileURL(join(repoRoot, 'packages/aws/dist/fetch/clients.js')).href);
    const out = execFileSync(process.execPath, ['--import', pathToFileURL(hook).href, '--input-type=module', '-e', `const { loadService } = await import(${clients}); await loadService('s3')`], { encoding: 'utf8' });
    expect(sdkLoads(out).some((l) => l.includes('@aws-sdk/client-s3'))).toBe(true);
  });

  it('@leakproof/aws itself, until it makes a request (the SDK loads where requests are made)', () => {
    const out = execFileSync(process.execPath, ['--import', pathToFileURL(hook).href, '--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'packages/aws/dist/index.js')).href)}); console.log(typeof m.collectAws)`], { encoding: 'utf8' });
    expect(sdkLoads(out)).toEqual([]);
    expect(out.trim().split('\n').pop()).toBe('function');
  });

  it.each(['aws', 'gcp', 'azure'])('@leakproof/%s/normalize (the call table and the normalizers)', (pkg) => {
    const entry = pathToFileURL(join(repoRoot, `packages/${pkg}/dist/normalize/index.js`)).href;
    const out = execFileSync(process.execPath, ['--import', pathToFileURL(hook).href, '--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length)`], { encoding: 'utf8' });
    expect(sdkLoads(out)).toEqual([]);
    expect(Number(out.trim().split('\n').pop())).toBeGreaterThan(3);
  });

  it('a Terraform plan audit through the CLI, which makes no cloud call', async () => {
    const r = await runCli(['audit', '--terraform-plan', 'test/fixtures/terraform/azure/plan.json', '--format', 'json'], { env: { NODE_OPTIONS: `--import=${pathToFileURL(hook).href}` } });
    expect(r.code).toBe(1);
    expect(sdkLoads(r.stdout)).toEqual([]);
  });
});
