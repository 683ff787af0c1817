import { ChunkBuffer } from './lines.js';

/**
 * Serializes a value as JSON in pieces, so that a report of any size is written without ever holding
 * it as one string (V8 strings stop at about 512 MB). The output is exactly `JSON.stringify(value,
 * null, indent)` for the plain data reports are made of (objects, arrays, strings, numbers, booleans,
 * null; `undefined` properties are left out, as JSON.stringify does). Other iterables, such as generators,
 * are written as arrays, item by item, so a report's rows need never exist all at once.
 */
export function* jsonChunks(value: unknown, indent = 0, chunkSize = 1 << 20): Generator<string> {
  const buffer = new ChunkBuffer(chunkSize);
  const pad = (depth: number) => (indent ? `\n${' '.repeat(indent * depth)}` : '');
  const sep = indent ? ': ' : ':';
  function* emit(text: string): Generator<string, void, undefined> {
    const chunk = buffer.add(text);
    if (chunk !== undefined) yield chunk;
  }
  function* walk(v: unknown, depth: number): Generator<string, void, undefined> {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: () => unknown }).toJSON();
    // Small objects (one finding, one result) are written whole with one JSON.stringify, re-indented to their
    // depth; only objects that hold a long list (the log, a run, the report) are walked piece by piece.
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Iterable<unknown>)[Symbol.iterator] !== 'function' && !holdsLongList(v)) {
      const text = JSON.stringify(v, null, indent || undefined);
      return yield* emit(indent ? text.replace(/\n/g, pad(depth)) : text);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') {
      // Any other iterable (a generator of findings) is written as an array, one item at a time.
      let first = true;
      for (const item of v as Iterable<unknown>) {
        yield* emit((first ? '[' : ',') + pad(depth + 1));
        first = false;
        if (item === undefined || typeof item === 'function') yield* emit('null');
        else yield* walk(item, depth + 1);
      }
      return yield* emit(first ? '[]' : `${pad(depth)}]`);
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return yield* emit('[]');
      yield* emit('[');
      for (let i = 0; i < v.length; i++) {
        yield* emit((i ? ',' : '') + pad(depth + 1));
        const item: unknown = v[i];
        if (item === undefined || typeof item === 'function') yield* emit('null');
        else yield* walk(item, depth + 1);
      }
      return yield* emit(`${pad(depth)}]`);
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
      if (entries.length === 0) return yield* emit('{}');
      yield* emit('{');
      for (const [i, [k, x]] of entries.entries()) {
        yield* emit(`${i ? ',' : ''}${pad(depth + 1)}${JSON.stringify(k)}${sep}`);
        yield* walk(x, depth + 1);
      }
      return yield* emit(`${pad(depth)}}`);
    }
    // JSON.stringify gives undefined for a symbol or bigint-free non-value; the lib types say string.
    const text = JSON.stringify(v) as string | undefined;
    yield* emit(text ?? 'null');
  }
  yield* walk(value, 0);
  const rest = buffer.flush();
  if (rest !== undefined) yield rest;
}

/** Lists longer than this are written item by item. */
const LONG_LIST = 256;

/** Whether an object holds, at any depth, a long list or an iterable: then it is walked, not stringified. */
function holdsLongList(v: object, depth = 0): boolean {
  if (depth > 4) return false;
  for (const x of Object.values(v as Record<string, unknown>)) {
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x) ? x.length > LONG_LIST || x.some((i) => i !== null && typeof i === 'object' && holdsLongList(i as object, depth + 1)) : typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function' || holdsLongList(x, depth + 1)) return true;
  }
  return false;
}
