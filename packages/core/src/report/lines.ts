/**
 * Lines joined with newlines, as `join('\n')` would, in chunks of about `chunkSize` characters, so a
 * report of any length is written without being one string.
 */
export function* joinLines(lines: Iterable<string>, chunkSize = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  let first = true;
  for (const line of lines) {
    const piece = first ? line : `\n${line}`;
    first = false;
    parts.push(piece);
    size += piece.length;
    if (size >= chunkSize) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}
