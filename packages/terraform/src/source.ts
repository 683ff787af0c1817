import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SourceLocation } from '@leakproof/core';
import { modulePath } from './config.js';
import { blockAttributeText } from './hcl.js';
import type { ConfigModule } from './plan.js';

/** A declared resource block: where its text is, and where reports point when it is inside the repository. */
interface DeclaredBlock {
  path: string;
  line: number;
  location?: SourceLocation;
}

const BLOCK = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/;
const DATA_BLOCK = /^\s*data\s+"([^"]+)"\s+"([^"]+)"/;
const MODULE_CALL = /^\s*module\s+"([^"]+)"/;
const LOCALS = /^\s*locals\s*\{/;

/** One entry of `.terraform/modules/modules.json`, the manifest `terraform init` writes of where each module call's sources are. */
interface ManifestEntry {
  Key?: unknown;
  Dir?: unknown;
}

/**
 * Finds where resource blocks are declared: parses the `.tf` files of the root module directory and of
 * every local module (`source = "./modules/x"`) the plan's configuration calls, recursively.
 * A resource in a module whose source is not at hand (a registry or git module) or lies outside the repository
 * points at the `module "NAME"` block that calls it, in the nearest module that is: the inputs there are what the
 * reviewer edits.
 */
export class SourceIndex {
  /** Per module directory, every declared block: its file (absolute) and line, and its location in reports when it is inside the repository. */
  private readonly blocks = new Map<string, Map<string, DeclaredBlock>>();
  private readonly texts = new Map<string, { text: string; lines: string[]; offsets: number[] }>();
  /** `.tf` files that declare blocks but lie outside the repository root. */
  readonly outside = new Set<string>();
  /** Per module directory, the first line of each `locals` block (file, line). */
  private readonly locals = new Map<string, Array<{ path: string; line: number }>>();
  private manifest: Map<string, string> | undefined;
  /** Directories `terraform init` installed modules into: not the user's files, so never locations. */
  private readonly installed = new Set<string>();
  /** Module calls (`module.a.module.b`) whose sources were needed for evaluation but are not installed here. */
  readonly notInstalled = new Set<string>();

  constructor(
    private readonly sourceRoot: string,
    private readonly root: ConfigModule | undefined,
    /** File paths in reports are relative to this directory (the repository root). */
    private readonly displayRoot: string,
  ) {}

  locate(moduleAddress: string | undefined, type: string, name: string, address: string): SourceLocation | undefined {
    const path = modulePath(moduleAddress);
    const dir = this.moduleDir(path);
    const found = dir ? this.blocksIn(dir).get(`${type}.${name}`)?.location : undefined;
    if (found) return { ...found, address };
    // The call site, from the innermost call whose caller's sources are in the repository.
    for (let depth = path.length - 1; depth >= 0; depth--) {
      const caller = this.moduleDir(path.slice(0, depth));
      const call = caller ? this.blocksIn(caller).get(`module.${path[depth] ?? ''}`)?.location : undefined;
      if (call) return { ...call, address };
    }
    return undefined;
  }

  /** The text of a resource block from its `resource` line to the end of its file (the reader stops at its closing brace). */
  blockText(moduleAddress: string | undefined, type: string, name: string): string | undefined {
    const dir = this.moduleDir(modulePath(moduleAddress));
    if (!dir) return undefined;
    const at = this.blocksIn(dir).get(`${type}.${name}`);
    if (!at) return undefined;
    return this.textFrom(at.path, at.line);
  }

  /**
   * The text of a block (`resource.T.N`, `data.T.N` or `module.N`) in the sources of the module at `path`, for
   * evaluating its expressions: a registry or git module's sources are found where `terraform init` put them
   * (`.terraform/modules/modules.json`). Such sources are read, never used as finding locations.
   */
  sourceText(path: string[], key: string): string | undefined {
    const dir = this.evaluationDir(path);
    const at = dir ? this.blocksIn(dir).get(key.startsWith('resource.') ? key.slice('resource.'.length) : key) : undefined;
    return at ? this.textFrom(at.path, at.line) : undefined;
  }

  /** The source text of `local.<name>`'s expression in the `locals` blocks of the module at `path`. */
  localExpression(path: string[], name: string): string | undefined {
    const dir = this.evaluationDir(path);
    if (!dir) return undefined;
    this.blocksIn(dir);
    for (const at of this.locals.get(dir) ?? []) {
      const expression = blockAttributeText(this.textFrom(at.path, at.line), name);
      if (expression !== undefined) return expression;
    }
    return undefined;
  }

  private evaluationDir(path: string[]): string | undefined {
    const local = this.moduleDir(path);
    if (local) return local;
    const dir = this.manifestDirs().get(path.join('.'));
    const at = dir === undefined ? undefined : resolve(this.sourceRoot, dir);
    if (at === undefined || !existsSync(at)) {
      this.notInstalled.add(path.map((name) => `module.${name}`).join('.'));
      return undefined;
    }
    this.installed.add(at);
    return at;
  }

  /** Module keys (`a.b` for module "b" called by module "a") to their source directories, from the init manifest. */
  private manifestDirs(): Map<string, string> {
    if (this.manifest) return this.manifest;
    this.manifest = new Map();
    const dataDir = process.env.TF_DATA_DIR ? resolve(this.sourceRoot, process.env.TF_DATA_DIR) : join(this.sourceRoot, '.terraform');
    try {
      const parsed = JSON.parse(readFileSync(join(dataDir, 'modules', 'modules.json'), 'utf8')) as { Modules?: unknown };
      for (const entry of Array.isArray(parsed.Modules) ? (parsed.Modules as ManifestEntry[]) : []) {
        if (typeof entry.Key === 'string' && typeof entry.Dir === 'string') this.manifest.set(entry.Key, entry.Dir);
      }
    } catch {
      // No manifest (init not run here) or not one Terraform wrote: registry modules' sources are not at hand.
    }
    return this.manifest;
  }

  private lines(path: string): string[] {
    return this.file(path).lines;
  }

  /**
   * A file's text from the start of `line` to its end (readers stop at the block's closing brace). A slice of the
   * whole text, so that a large file is not copied once per block read from it.
   */
  private textFrom(path: string, line: number): string {
    const f = this.file(path);
    return f.text.slice(f.offsets[line - 1] ?? f.text.length);
  }

  private file(path: string): { text: string; lines: string[]; offsets: number[] } {
    let f = this.texts.get(path);
    if (!f) {
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n');
      const offsets: number[] = [];
      let at = 0;
      for (const l of lines) {
        offsets.push(at);
        at += l.length + 1;
      }
      f = { text, lines, offsets };
      this.texts.set(path, f);
    }
    return f;
  }

  private moduleDir(path: string[]): string | undefined {
    let dir = resolve(this.sourceRoot);
    let mod = this.root;
    for (const name of path) {
      const call = mod?.module_calls?.[name];
      if (!call?.source || !/^\.\.?\//.test(call.source)) return undefined;
      dir = resolve(dir, call.source);
      mod = call.module;
    }
    return dir;
  }

  private blocksIn(dir: string): Map<string, DeclaredBlock> {
    const cached = this.blocks.get(dir);
    if (cached) return cached;
    const found = new Map<string, DeclaredBlock>();
    const locals: Array<{ path: string; line: number }> = [];
    this.locals.set(dir, locals);
    const installed = this.installed.has(dir);
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
        const path = join(dir, file);
        this.lines(path)
          .forEach((line, i) => {
            if (LOCALS.test(line)) locals.push({ path, line: i + 1 });
            const m = BLOCK.exec(line);
            const data = m ? undefined : DATA_BLOCK.exec(line);
            const call = m || data ? undefined : MODULE_CALL.exec(line);
            const key = m ? `${m[1]}.${m[2]}` : data ? `data.${data[1]}.${data[2]}` : call ? `module.${call[1]}` : undefined;
            if (key === undefined || found.has(key)) return;
            // A file outside the repository cannot be a code-scanning location; such blocks fall back to rule anchoring.
            const file = relative(this.displayRoot, path);
            const inside = !installed && !(file.startsWith('..') || isAbsolute(file));
            if (!inside && !installed) this.outside.add(path);
            found.set(key, { path, line: i + 1, ...(inside ? { location: { file: file.split(sep).join('/'), line: i + 1 } } : {}) });
          });
      }
    }
    this.blocks.set(dir, found);
    return found;
  }
}

/**
 * The repository root that code-scanning paths are relative to: the nearest directory at or above `dir`
 * holding `.git` (a directory, or a file in worktrees and submodules), else `fallback`.
 */
export function repositoryRootOf(dir: string, fallback: string): string {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return fallback;
  }
}
