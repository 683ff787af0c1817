import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { SourceLocation } from '@leakproof/core';
import { modulePath } from './config.js';
import type { ConfigModule } from './plan.js';

const BLOCK = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/;

/**
 * Finds where resource blocks are declared: parses the `.tf` files of the root module directory and of
 * every local module (`source = "./modules/x"`) the plan's configuration calls, recursively.
 * Registry and git modules have no local source, so their resources fall back to rule anchoring.
 */
export class SourceIndex {
  private readonly blocks = new Map<string, Map<string, SourceLocation>>();

  constructor(
    private readonly sourceRoot: string,
    private readonly root: ConfigModule | undefined,
    /** File paths in reports are relative to this directory (the repository root). */
    private readonly displayRoot: string,
  ) {}

  locate(moduleAddress: string | undefined, type: string, name: string, address: string): SourceLocation | undefined {
    const dir = this.moduleDir(modulePath(moduleAddress));
    if (!dir) return undefined;
    const found = this.blocksIn(dir).get(`${type}.${name}`);
    return found ? { ...found, address } : undefined;
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

  private blocksIn(dir: string): Map<string, SourceLocation> {
    const cached = this.blocks.get(dir);
    if (cached) return cached;
    const found = new Map<string, SourceLocation>();
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
        const path = join(dir, file);
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const m = BLOCK.exec(line);
            if (m && !found.has(`${m[1]}.${m[2]}`)) found.set(`${m[1]}.${m[2]}`, { file: relative(this.displayRoot, path).split(sep).join('/'), line: i + 1 });
          });
      }
    }
    this.blocks.set(dir, found);
    return found;
  }
}
