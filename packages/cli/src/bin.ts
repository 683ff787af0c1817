#!/usr/bin/env node
import { main } from './main.js';

// The pinned AWS SDK supports Node 20; its notice about future SDK releases needing Node 22 concerns
// leakproof's maintainers, not its users, and would otherwise break the one-line error contract.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
