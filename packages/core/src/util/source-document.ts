import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ValidationIssue } from '../errors.js';

export type PathSegment = string | number;

/**
 * A parsed YAML (or JSON, which YAML reads too) document that remembers where each value was
 * written, so that any problem found later can be reported as file:line:col.
 */
export class SourceDocument {
  readonly file: string;
  readonly data: unknown;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document, lines: LineCounter, data: unknown) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
    this.data = data;
  }

  /** Parses text; syntax errors come back as issues with their position. */
  static parse(file: string, text: string): { ok: true; document: SourceDocument } | { ok: false; issues: ValidationIssue[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        issues: doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, col: pos.col, path: '', message: firstLine(e.message) };
        }),
      };
    }
    if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
      return { ok: false, issues: [{ file, line: 1, col: 1, path: '', message: 'the file is empty' }] };
    }
    return { ok: true, document: new SourceDocument(file, doc, lines, doc.toJS({ maxAliasCount: 100 })) };
  }

  /** Position of the value at `path`, or of its key when `key` is given; falls back to the nearest parent. */
  position(path: readonly PathSegment[], key?: string): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best = this.offsetOf(node) ?? 0;
    const segments = key === undefined ? path : [...path, key];
    for (const [i, segment] of segments.entries()) {
      const wantKey = key !== undefined && i === segments.length - 1;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
        if (pair && wantKey) {
          best = this.offsetOf(pair.key) ?? best;
          break;
        }
        next = pair?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      const offset = this.offsetOf(next);
      if (offset === undefined) break;
      best = offset;
      node = next;
    }
    const pos = this.lines.linePos(best);
    return { line: pos.line, col: pos.col };
  }

  issue(path: readonly PathSegment[], message: string, key?: string): ValidationIssue {
    return { file: this.file, ...this.position(path, key), path: formatPath(key === undefined ? path : [...path, key]), message };
  }

  private offsetOf(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? range[0] : undefined;
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

/** `rules[2].assert.all[0]` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out;
}

/** JSON pointer ("/rules/2") to path segments. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
