// Audits a 100k-resource snapshot (copies of the demo estate: most resources pass) into every report
// format at once, through the CLI in this process, and prints the time and this process's peak RSS.
// Run as its own process by bench/run.mjs, so the RSS is the audit's alone. Target: < 60 s, < 1 GB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { main } from '../packages/cli/dist/main.js';

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'leakproof-bench-'));
// The snapshot is written by another process, so that this one's peak RSS is the audit's alone.
const helper = new URL('../test/helpers/large-estate.mjs', import.meta.url).href;
execFileSync(process.execPath, ['--input-type=module', '-e', `import { writeLargeSnapshot } from ${JSON.stringify(helper)}; writeLargeSnapshot(${JSON.stringify(join(dir, 'large.json'))}, ${count});`]);
const sink = { write: () => true };
const start = performance.now();
const code = await main(['audit', '--snapshot', 'large.json', '-o', 'r.sarif', '-o', 'r.json', '-o', 'r.md', '-o', 'r.txt', '-q'], { stdout: sink, stderr: sink, env: { ...process.env }, cwd: dir });
const ms = performance.now() - start;
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`audit a ${count.toLocaleString('en-US')}-resource snapshot into SARIF, JSON, Markdown and console at once: ${(ms / 1000).toFixed(1)} s, peak RSS ${rss.toFixed(0)} MiB, exit ${code} (target < 60 s, < 1024 MiB)`);
