import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { factCatalogueMarkdown, loadPolicies } from '@leakproof/core';
import { runCli } from './helpers/cli.js';

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

/** The long flags at the start of each option line of a `--help` text (`  -o, --output FILE  …`). */
function helpFlags(help: string): Set<string> {
  return new Set([...help.matchAll(/^ {2}(?:-[a-z], | {4})(--[a-z-]+)/gm)].map((m) => m[1]!));
}

/** The long flags in the first column of the README table that follows `heading`. */
function readmeTableFlags(readme: string, heading: string): Set<string> {
  const start = readme.indexOf(heading);
  expect(start, `the README has "${heading}"`).toBeGreaterThan(-1);
  const rows = readme.slice(start).split('\n').slice(1);
  const table = rows.slice(rows.findIndex((l) => l.startsWith('|'))).filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
  return new Set(table.flatMap((row) => [...(row.split(' | ')[0] ?? '').matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((m) => m[1]!)));
}

/** The backticked names in the README's paragraph that starts with `**label**`, up to the next one. */
function readmeParagraphNames(readme: string, label: string): Set<string> {
  const start = readme.indexOf(`**${label}**`);
  expect(start, `the README has **${label}**`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n**', start + 1);
  return new Set([...readme.slice(start, end).matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]!));
}

/** The keys of a top-level mapping of action.yml (`inputs` or `outputs`). */
function actionKeys(section: 'inputs' | 'outputs'): Set<string> {
  const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
  return new Set(Object.keys(action[section] ?? {}));
}

describe('the README and the interfaces it documents agree', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it("the README's audit option table and `leakproof audit --help` list the same flags", async () => {
    const help = await runCli(['audit', '--help']);
    expect(help.code).toBe(0);
    const inHelp = helpFlags(help.stdout);
    const inReadme = readmeTableFlags(readme, '`audit` options:');
    expect(inHelp.size).toBeGreaterThan(30);
    expect([...inHelp].filter((f) => !inReadme.has(f)), 'in --help, missing from the README').toEqual([]);
    expect([...inReadme].filter((f) => !inHelp.has(f)), 'in the README, missing from --help').toEqual([]);
  });

  it("the README's Action inputs are exactly action.yml's", () => {
    const documented = readmeParagraphNames(readme, 'Inputs.');
    const declared = actionKeys('inputs');
    expect(declared.size).toBeGreaterThan(20);
    expect([...declared].filter((i) => !documented.has(i)), 'in action.yml, missing from the README').toEqual([]);
    // Names in the paragraph that are not inputs are only the values it quotes ('false').
    expect([...documented].filter((i) => !declared.has(i)), 'in the README, not an input of action.yml').toEqual([]);
  });

  it("the README's Action outputs are exactly action.yml's", () => {
    const documented = readmeParagraphNames(readme, 'Outputs.');
    const declared = actionKeys('outputs');
    const values = new Set(['pass', 'fail', 'incomplete', 'error']);
    expect([...declared].filter((o) => !documented.has(o))).toEqual([]);
    expect([...documented].filter((o) => !declared.has(o) && !values.has(o))).toEqual([]);
  });
});
