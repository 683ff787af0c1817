import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns under some pseudo file systems
 * (e.g. /proc), and a report path there must fail, not hang.
 */
export function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  mkdirSync(dir);
}

/** Writes a file piece by piece, creating its directory; nothing of it is held in memory as one string. */
export function writeChunks(file: string, chunks: Iterable<string>): void {
  ensureDir(dirname(file));
  const fd = openSync(file, 'w');
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Writes a text file, creating its directory. */
export function writeTextFile(file: string, text: string): void {
  writeChunks(file, [text]);
}
