// Plans whose values break their provider's schema, made by changing the type of one value at a time in
// every fixture plan (planned values, unknown markers, the resource change itself, the configuration).
// Whatever the change, reading the plan either works or stops with one LP_PLAN_* line: never an
// internal error. The generator is seeded, so a failure names a change that can be replayed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@leakproof/core';
import { normalizePlanText } from '@leakproof/terraform';

const fixtures = fileURLToPath(new URL('./fixtures/terraform/', import.meta.url));
const CHANGES_PER_PLAN_AND_PART = 60;
const REPLACEMENTS: unknown[] = ['x', 7, true, null, [], [null], ['a'], [7], [[1]], {}, [{}], { a: 1 }, { references: 5 }, { references: [7] }];

/** Every fixture plan except the deliberately bad ones. */
function fixturePlans(dir = fixtures): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'bad' ? [] : fixturePlans(path);
    return e.name === 'plan.json' ? [path] : [];
  });
}

/** mulberry32: the same changes on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Json => v !== null && typeof v === 'object';

/** Replaces one value somewhere under `root` (at most `depth` steps down); returns its path, or undefined. */
function changeOne(root: unknown, random: () => number, depth: number): string | undefined {
  let at: unknown = root;
  const path: string[] = [];
  for (let d = 0; d < depth && isContainer(at); d++) {
    const keys = Object.keys(at);
    if (!keys.length) break;
    const key = keys[Math.floor(random() * keys.length)]!;
    path.push(key);
    if (d + 1 === depth || random() < 0.3 || !isContainer((at as Record<string, unknown>)[key])) {
      (at as Record<string, unknown>)[key] = REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)];
      return path.join('/');
    }
    at = (at as Record<string, unknown>)[key];
  }
  return undefined;
}

describe('a plan whose values break the provider schema', () => {
  it.each(fixturePlans().map((p) => [p.slice(fixtures.length)]))('%s: every change is read or refused with one LP_PLAN line', (relative) => {
    const file = join(fixtures, relative);
    const text = readFileSync(file, 'utf8');
    const random = seeded(relative.length * 7919);
    const internal: string[] = [];
    const parts: Array<(plan: { resource_changes: Array<{ change?: unknown }>; configuration?: unknown }) => unknown> = [
      (plan) => plan.resource_changes[Math.floor(random() * plan.resource_changes.length)]?.change,
      (plan) => plan.resource_changes[Math.floor(random() * plan.resource_changes.length)],
      (plan) => plan.configuration,
    ];
    for (const part of parts) {
      for (let i = 0; i < CHANGES_PER_PLAN_AND_PART; i++) {
        const plan = JSON.parse(text) as { resource_changes: Array<{ change?: unknown }>; configuration?: unknown };
        const root = part(plan);
        const changed = root === undefined ? undefined : changeOne(root, random, 8);
        if (changed === undefined) continue;
        try {
          normalizePlanText(JSON.stringify(plan), 'plan.json', { sourceRoot: dirname(file) });
        } catch (error) {
          if (error instanceof ConfigurationError && error.code.startsWith('LP_PLAN_')) continue;
          internal.push(`${changed}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    expect(internal).toEqual([]);
  });
});
