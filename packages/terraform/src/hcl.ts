/**
 * Just enough of HCL's native syntax to read a literal value out of a `.tf` block: objects, tuples,
 * strings (with escapes and heredocs), numbers, booleans and null. Anything else (a reference, an
 * interpolation, a function call other than `jsonencode`, an operator, a `for` expression) is kept as a
 * `Pending` expression: its value is only known to Terraform. No HCL library on npm reads expressions
 * (the maintained ones convert whole files to JSON and leave expressions as strings), so this reads the
 * literal subset and says "pending" for the rest rather than guessing.
 */

/** Where the spaces and comments (`#`, `//` and block comments) starting at `pos` end; newlines count only if `newlines`. */
export function skipBlank(text: string, pos: number, newlines: boolean): number {
  let at = pos;
  for (;;) {
    const c = text.charAt(at);
    if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) at++;
    else if (c === '#' || text.startsWith('//', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      at = end < 0 ? text.length : end + 2;
    } else return at;
  }
}

/**
 * The heredoc starting at `pos` (`<<EOT` or `<<-EOT`): its body, with the `<<-` form's common indentation
 * removed, where it ends, and whether its closing marker was found.
 */
export function heredocAt(text: string, pos: number): { body: string; end: number; terminated: boolean } | undefined {
  const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(pos, pos + 300));
  if (!m) return undefined;
  let at = pos + m[0].length;
  let terminated = false;
  const lines: string[] = [];
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end < 0 ? text.length : end);
    at = end < 0 ? text.length : end + 1;
    if (line.trim() === m[2]) {
      terminated = true;
      break;
    }
    lines.push(line);
  }
  const indent = m[1] ? Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0)) : 0;
  return { body: `${lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n')}\n`, end: at, terminated };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/** The HCL string escape at `pos` (a backslash): the character it stands for, and how many characters it takes. */
export function stringEscape(text: string, pos: number): { char: string; length: number } {
  const e = text.charAt(pos + 1);
  if (e === 'u' || e === 'U') {
    const len = e === 'u' ? 4 : 8;
    return { char: String.fromCodePoint(parseInt(text.slice(pos + 2, pos + 2 + len), 16)), length: 2 + len };
  }
  return { char: SIMPLE_ESCAPES[e] ?? e, length: 2 };
}

/** An expression whose value only Terraform knows (a reference, an interpolation, a call…), with its source text. */
export class Pending {
  constructor(readonly text: string) {}
}

/** `jsonencode(value)`: the value is what the attribute's JSON text will encode. */
export class JsonEncoded {
  constructor(readonly value: HclValue) {}
}

/** A value read from HCL: literals, objects, tuples, or what stays pending. */
export type HclValue = string | number | boolean | null | Pending | JsonEncoded | HclValue[] | { [key: string]: HclValue };

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): string {
    return this.text.charAt(this.pos);
  }

  /** Skips spaces and comments; newlines too unless `newlines` is false (they separate object items). */
  skip(newlines = true): void {
    this.pos = skipBlank(this.text, this.pos, newlines);
  }

  identifier(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** A quoted string: its text, or Pending when it interpolates (`${…}`) or has a directive (`%{…}`). */
  quoted(): string | Pending {
    const start = this.pos;
    this.pos++;
    let out = '';
    let pending = false;
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        return pending ? new Pending(this.text.slice(start, this.pos)) : out;
      }
      if (c === '\\') {
        const escape = stringEscape(this.text, this.pos);
        out += escape.char;
        this.pos += escape.length;
        continue;
      }
      if ((c === '$' || c === '%') && this.text.charAt(this.pos + 1) === '{') {
        // `$${` and `%%{` are literal; otherwise a template sequence, skipped to its closing brace.
        if (this.text.charAt(this.pos - 1) === c && out.endsWith(c)) {
          out = `${out}{`;
          this.pos += 2;
          continue;
        }
        pending = true;
        this.pos += 2;
        this.balanced('{', '}');
        continue;
      }
      out += c;
      this.pos++;
    }
    return new Pending(this.text.slice(start));
  }

  /** Moves past the closing bracket matching one already consumed, skipping strings inside. */
  balanced(open: string, close: string): void {
    let depth = 1;
    while (this.pos < this.text.length && depth > 0) {
      const c = this.peek();
      if (c === '"') {
        this.quoted();
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      this.pos++;
    }
  }

  /** A heredoc (`<<EOT` or `<<-EOT`): its text, or Pending when it interpolates. */
  heredoc(): string | Pending {
    const start = this.pos;
    const heredoc = heredocAt(this.text, this.pos);
    if (!heredoc) return this.opaque();
    this.pos = heredoc.end;
    const { body } = heredoc;
    return /(^|[^$])\$\{|(^|[^%])%\{/.test(body) ? new Pending(this.text.slice(start, this.pos)) : body;
  }

  /** An expression that is not a literal: everything up to a separator at depth 0. */
  opaque(): Pending {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (c === '\n' || c === ',' || c === '}' || c === ']' || c === ')') break;
      if (c === '"') this.quoted();
      else if (c === '{' || c === '[' || c === '(') {
        this.pos++;
        this.balanced(c, c === '{' ? '}' : c === '[' ? ']' : ')');
      } else this.pos++;
    }
    return new Pending(this.text.slice(start, this.pos).trim());
  }

  value(): HclValue {
    this.skip();
    const start = this.pos;
    const c = this.peek();
    let v: HclValue;
    if (c === '"') v = this.quoted();
    else if (c === '{') v = this.object();
    else if (c === '[') v = this.tuple();
    else if (this.text.startsWith('<<', this.pos)) v = this.heredoc();
    else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 64));
      if (!m) return this.opaque();
      this.pos += m[0].length;
      v = Number(m[0]);
    } else {
      const name = this.identifier();
      if (name === undefined) return this.opaque();
      if (name === 'true' || name === 'false' || name === 'null') v = name === 'null' ? null : name === 'true';
      else if (name === 'jsonencode' && this.peek() === '(') {
        this.pos++;
        const arg = this.value();
        this.skip();
        if (this.peek() !== ')') {
          this.pos = start;
          return this.opaque();
        }
        this.pos++;
        v = new JsonEncoded(arg);
      } else {
        this.pos = start;
        return this.opaque();
      }
    }
    // A literal followed by an operator, an index or a conditional is an expression after all.
    const after = this.pos;
    this.skip(false);
    const next = this.peek();
    if (next && !'\n,}])'.includes(next)) {
      this.pos = start;
      return this.opaque();
    }
    this.pos = after;
    return v;
  }

  object(): HclValue {
    const start = this.pos;
    this.pos++;
    const out: Record<string, HclValue> = {};
    let pending = false;
    for (;;) {
      this.skip();
      const c = this.peek();
      if (c === '}') {
        this.pos++;
        return pending ? new Pending(this.text.slice(start, this.pos)) : out;
      }
      if (!c) return new Pending(this.text.slice(start));
      if (c === ',') {
        this.pos++;
        continue;
      }
      let key: string | Pending | undefined;
      if (c === '"') key = this.quoted();
      else if (c === '(') {
        this.pos++;
        this.balanced('(', ')');
        key = new Pending('(key)');
      } else key = this.identifier();
      if (key === undefined) {
        // A `for` expression or something else this reader does not know: the object is pending.
        this.pos = start + 1;
        this.balanced('{', '}');
        return new Pending(this.text.slice(start, this.pos));
      }
      this.skip(false);
      const sep = this.peek();
      if (sep !== '=' && sep !== ':') {
        this.pos = start + 1;
        this.balanced('{', '}');
        return new Pending(this.text.slice(start, this.pos));
      }
      this.pos++;
      const before = this.pos;
      const v = this.value();
      if (this.pos === before) return this.pendingFrom(start, '{', '}');
      if (key instanceof Pending) pending = true;
      else out[key] = v;
    }
  }

  /** The bracketed expression opened at `start`, skipped whole, as pending. */
  pendingFrom(start: number, open: string, close: string): Pending {
    this.pos = start + 1;
    this.balanced(open, close);
    return new Pending(this.text.slice(start, this.pos));
  }

  tuple(): HclValue {
    const start = this.pos;
    this.pos++;
    const out: HclValue[] = [];
    for (;;) {
      this.skip();
      const c = this.peek();
      if (c === ']') {
        this.pos++;
        return out;
      }
      if (!c) return new Pending(this.text.slice(start));
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (this.text.startsWith('for ', this.pos)) {
        this.pos = start + 1;
        this.balanced('[', ']');
        return new Pending(this.text.slice(start, this.pos));
      }
      const before = this.pos;
      out.push(this.value());
      // Something this reader cannot take (a stray bracket): the whole tuple is pending, never a loop.
      if (this.pos === before) return this.pendingFrom(start, '[', ']');
    }
  }
}

/**
 * The value of a top-level attribute in a block's text (`resource "t" "n" { … }`, from its first line),
 * or undefined when the block does not set it there (a `dynamic` block or a nested block's attribute of
 * the same name does not count).
 */
export function blockAttribute(blockText: string, attribute: string): HclValue | undefined {
  return findAttribute(blockText, attribute)?.value;
}

/** The source text of a top-level attribute's expression in a block's text (see `blockAttribute`). */
export function blockAttributeText(blockText: string, attribute: string): string | undefined {
  return findAttribute(blockText, attribute)?.text;
}

function findAttribute(blockText: string, attribute: string): { value: HclValue; text: string } | undefined {
  const r = new Reader(blockText);
  const open = blockText.indexOf('{');
  if (open < 0) return undefined;
  r.pos = open + 1;
  for (;;) {
    r.skip();
    const c = r.peek();
    if (!c || c === '}') return undefined;
    const name = c === '"' ? r.quoted() : r.identifier();
    if (name === undefined || name instanceof Pending) return undefined;
    r.skip(false);
    if (r.peek() === '=') {
      r.pos++;
      r.skip(false);
      const start = r.pos;
      const value = r.value();
      if (name === attribute) return { value, text: blockText.slice(start, r.pos).trim() };
      continue;
    }
    // A nested block: labels, then its body, skipped whole.
    while (r.peek() === '"' || /[A-Za-z_]/.test(r.peek())) {
      if (r.peek() === '"') r.quoted();
      else r.identifier();
      r.skip(false);
    }
    if (r.peek() !== '{') return undefined;
    r.pos++;
    r.balanced('{', '}');
  }
}
