import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Fact, Resource, ResourceKind } from '../model.js';

/** Writes files (relative path -> text) into a fresh temporary directory and returns it. */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakproof-test-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const known = (value: Fact extends never ? never : boolean | number | string | string[] | null, ...evidence: string[]): Fact => ({ value, evidence });
export const unknown = (why: string): Fact => ({ unknown: why });

export function resource(kind: ResourceKind, facts: Record<string, Fact>, overrides: Partial<Resource> = {}): Resource {
  const name = overrides.name ?? 'example';
  return {
    id: overrides.id ?? `arn:aws:test:::${kind}/${name}`,
    kind,
    provider: 'aws',
    account: '111122223333',
    region: 'eu-west-1',
    name,
    tags: {},
    facts,
    ...overrides,
  };
}
