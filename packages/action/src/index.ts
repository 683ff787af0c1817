// Entry of the committed bundle (dist/index.js) that action.yml runs. GitHub's runner executes it
// as the main module; GitHub's local runner (@github/local-action) imports it and calls run() itself.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { limitHeapGrowth } from '@leakproof/core';
import { run } from './main.js';

export { run };

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  // The runner's process is the Action's own: bound its heaps as the CLI does (see limitHeapGrowth).
  limitHeapGrowth();
  await run();
}
