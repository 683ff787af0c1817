// Regenerates docs/facts.md from the fact catalogue (run after `pnpm build`).
import { writeFileSync } from 'node:fs';
import { factCatalogueMarkdown } from '@leakproof/core';

writeFileSync(new URL('../docs/facts.md', import.meta.url), factCatalogueMarkdown());
