// Bundles the Action into one ESM file, dist/index.js (and the AWS request thread, dist/aws-call-worker.js), and copies beside it the data the library
// reads at run time: the JSON Schemas, the built-in policies and the demo estate. The output is
// deterministic, so CI can rebuild it and compare with the committed dist/.
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = process.argv[2] ? fileURLToPath(new URL(process.argv[2], `file://${process.cwd()}/`)) : here('../dist/');
const { version } = JSON.parse(readFileSync(here('../package.json'), 'utf8'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
// The Action, and beside it the AWS collector's request thread (a worker runs a file of its own; the
// collector finds it next to the module that starts it).
const entries = [
  [here('../src/index.ts'), 'index.js'],
  [here('../../aws/src/fetch/aws-call-worker.ts'), 'aws-call-worker.js'],
];
for (const [entry, file] of entries) {
  await build({
    entryPoints: [entry],
    outfile: `${outDir}/${file}`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Dependencies written as CommonJS call require(); ESM output needs one.
    banner: { js: "import { createRequire as __leakproofCreateRequire } from 'node:module'; const require = __leakproofCreateRequire(import.meta.url);" },
    define: { __LEAKPROOF_VERSION__: JSON.stringify(version) },
    conditions: ['leakproof-source'],
    // Prefer ESM builds: some packages' UMD "main" hides its require() calls from the bundler (jsonc-parser).
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
    minify: true,
    keepNames: true,
    sourcemap: false,
  });
}
cpSync(here('../../core/schemas'), `${outDir}/schemas`, { recursive: true });
cpSync(here('../../../policies'), `${outDir}/policies`, { recursive: true });
cpSync(here('../../cli/demo'), `${outDir}/demo`, { recursive: true });
