import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

// The source graph, type-only imports included: a cycle through types still ties two modules into
// one, and is how runtime cycles begin. Test files are left out; they may import anything.
const packagesDir = join(repoRoot, 'packages');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'src')));
const packageNames = new Map(packages.map((p) => [(JSON.parse(readFileSync(join(packagesDir, p, 'package.json'), 'utf8')) as { name: string }).name, p]));
const files = packages.flatMap((p) => sourceFiles(join(packagesDir, p, 'src')));

/** Every module specifier of `import … from` and `export … from`, static or `import()`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** A specifier as a source file of this repository, or undefined for a third-party module. */
function resolveSpecifier(from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
    return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
  }
  const pkg = [...packageNames.keys()].find((name) => spec === name || spec.startsWith(`${name}/`));
  if (!pkg) return undefined;
  const sub = spec.slice(pkg.length + 1);
  const dir = join(packagesDir, packageNames.get(pkg)!, 'src');
  return [join(dir, sub || '.', 'index.ts'), join(dir, `${sub}.ts`)].find(existsSync);
}

const graph = new Map(files.map((f) => [f, specifiers(readFileSync(f, 'utf8')).flatMap((s) => resolveSpecifier(f, s) ?? [])]));

function cycles(edges: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('reads every package source and the imports between them', () => {
    expect(files.length).toBeGreaterThan(50);
    // A sanity check that the parser sees edges at all, of both kinds.
    expect(graph.get(join(packagesDir, 'core/src/report/sarif.ts'))).toContain(join(packagesDir, 'core/src/finding-identity.ts'));
    expect(graph.get(join(packagesDir, 'terraform/src/normalize/aws.ts'))).toContain(join(packagesDir, 'aws/src/normalize/index.ts'));
  });

  it('has no cycle between modules, type-only imports included', () => {
    expect(cycles(graph).map((c) => c.map((f) => relative(packagesDir, f)).join(' -> '))).toEqual([]);
  });

  it('has no cycle between packages, and core imports no other package', () => {
    const pkgOf = (f: string) => relative(packagesDir, f).split('/')[0]!;
    const edges = new Map<string, string[]>();
    for (const [from, tos] of graph) edges.set(pkgOf(from), [...new Set([...(edges.get(pkgOf(from)) ?? []), ...tos.map(pkgOf).filter((p) => p !== pkgOf(from))])]);
    expect(cycles(edges)).toEqual([]);
    expect(edges.get('core')).toEqual([]);
  });
});
