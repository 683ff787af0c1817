/**
 * Pieces of text gathered into chunks of about `size` characters. Pieces are joined into flat strings
 * (not concatenated into ropes), so each chunk can be freed once written.
 */
export class ChunkBuffer {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly size: number) {}

  /** Adds a piece; returns a chunk when one is full. */
  add(piece: string): string | undefined {
    this.parts.push(piece);
    this.length += piece.length;
    return this.length >= this.size ? this.flush() : undefined;
  }

  /** What is gathered and not yet returned, if anything. */
  flush(): string | undefined {
    if (this.parts.length === 0) return undefined;
    const chunk = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return chunk;
  }
}

/**
 * Lines joined with newlines, as `join('\n')` would, in chunks of about `chunkSize` characters, so a
 * report of any length is written without being one string.
 */
export function* joinLines(lines: Iterable<string>, chunkSize = 1 << 20): Generator<string> {
  const buffer = new ChunkBuffer(chunkSize);
  let first = true;
  for (const line of lines) {
    const chunk = buffer.add(first ? line : `\n${line}`);
    first = false;
    if (chunk !== undefined) yield chunk;
  }
  const rest = buffer.flush();
  if (rest !== undefined) yield rest;
}
