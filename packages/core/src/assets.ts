import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Finds a directory shipped with @leakproof/core (`schemas`, `policies`): at the package root when
 * installed, or beside a single-file bundle (the GitHub Action copies them next to dist/index.js).
 * In a checkout of the leakproof repository the root `policies/` wins, so edits apply without a rebuild.
 */
export function assetDir(name: 'schemas' | 'policies'): string | undefined {
  const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const checkout = existsSync(here('../../../pnpm-workspace.yaml')) && existsSync(here('../../../packages/core'));
  const candidates = [...(checkout && name === 'policies' ? [`../../../${name}/`] : []), `../${name}/`, `./${name}/`];
  for (const candidate of candidates) {
    const dir = here(candidate);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}
