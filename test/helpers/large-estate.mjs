// A large, realistic estate for scale tests and benchmarks: copies of the demo estate's resources (most
// pass, a few planted leaks fail), each with its own id and name.
import { readFileSync, writeFileSync } from 'node:fs';

const demo = JSON.parse(readFileSync(new URL('../../packages/cli/demo/medical-imaging-estate.json', import.meta.url), 'utf8'));

/** Writes a snapshot of `count` resources to `file`. */
export function writeLargeSnapshot(file, count) {
  const resources = [];
  for (let i = 0; resources.length < count; i++) {
    for (const r of demo.resources) {
      if (resources.length >= count) break;
      resources.push({ ...r, id: `${r.id}#${i}`, name: `${r.name}-${i}` });
    }
  }
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, generator: 'leakproof scale test', resources }));
}
