import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factCatalogueMarkdown, loadPolicies } from '@leakproof/core';

describe('documentation stays true', () => {
  it('docs/facts.md matches the fact catalogue (run `pnpm gen-docs` after changing facts)', () => {
    expect(readFileSync(new URL('../docs/facts.md', import.meta.url), 'utf8')).toBe(factCatalogueMarkdown());
  });

  it('the README lists every built-in rule and no rule that does not exist', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const ids = new Set(loadPolicies().rules.map((r) => r.id));
    // Rule ids stand in the first column of the README's rule table.
    const mentioned = [...readme.matchAll(/^\| `([a-z0-9.-]+)` \| (?:critical|high|medium|low|info) \|/gm)].map((m) => m[1]!);
    expect(mentioned.length).toBeGreaterThan(20);
    expect(mentioned.filter((id) => !ids.has(id))).toEqual([]);
    expect([...ids].filter((id) => !mentioned.includes(id))).toEqual([]);
  });
});
