#!/usr/bin/env node
// One-step set-up for a fresh clone: install the pinned pnpm's lockfile exactly, then build.
// It runs before `npm test`, `npm run demo` and `npm run bench`, so a machine with only Node and npm
// needs no other preparation. It is idempotent: a second run is a fast no-op install plus an
// incremental TypeScript build.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = packageManager; // e.g. "pnpm@12.4.2"

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
}

// Use the pinned pnpm through npx so nothing global is required; npx caches it after the first run.
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
run(npx, ['--yes', pnpmSpec, 'install', '--frozen-lockfile', '--reporter=silent']);
run(npx, ['--yes', pnpmSpec, 'run', '--silent', 'build']);
// The test command also type-checks every package (tests included): vitest itself does not.
if (process.argv.includes('--typecheck')) run(npx, ['--yes', pnpmSpec, 'run', '--silent', 'typecheck']);
