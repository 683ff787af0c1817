#!/usr/bin/env node
import { limitHeapGrowth } from '@leakproof/core';
import { main } from './main.js';

// The pinned AWS SDK supports Node 20; its notice about future SDK releases needing Node 22 concerns
// leakproof's maintainers, not its users, and would otherwise break the one-line error contract.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A live audit allocates many short answers: unbounded, V8 lets each heap grow to about four times its
// live data (see limitHeapGrowth).
limitHeapGrowth();

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
