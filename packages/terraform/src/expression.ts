import { heredocAt, skipBlank, stringEscape } from './hcl.js';

/**
 * HCL expressions of a module's `.tf` sources, evaluated to the value Terraform will give them at apply when the
 * plan itself does not say it (a whole list is "known after apply" because one element waits for a bucket ARN).
 * Values only Terraform knows stay `UNKNOWN`; a string with an unknown part keeps `AFTER_APPLY` in its place, so a
 * policy document built by `replace()` or a template can still be judged on what is known. Anything this reader
 * does not know (a `for` expression, a splat, a function it does not implement, a directive) is `UNKNOWN`,
 * never a guess.
 */

/** A value Terraform knows only at apply. */
export const UNKNOWN: unique symbol = Symbol('known after apply');

/** Stands for an unknown part of a string (`"${aws_s3_bucket.x.arn}/*"`). */
export const AFTER_APPLY = '@@leakproof:known-after-apply@@';

/** A value an expression evaluates to. */
export type Value = string | number | boolean | null | typeof UNKNOWN | Value[] | { [key: string]: Value };

/** A step of a reference after its root: an attribute name or an index key. */
export type Step = string | number;

/** Resolves references (`var.x`, `local.y`, `data.t.n[0].json`, `aws_s3_bucket.b.arn`) for the evaluator. */
export interface Scope {
  /** The value the reference names, after as many of `steps` as the scope takes; the evaluator walks the rest. */
  resolve(root: string, steps: Step[]): { value: Value; used: number };
}

/** What Terraform would report as an error (an index out of range, a wrong type): `try()` moves past it. */
export class EvaluationError extends Error {}

type Node =
  | { k: 'lit'; v: Value }
  | { k: 'tpl'; parts: Array<string | Node> }
  | { k: 'ref'; root: string }
  | { k: 'attr'; of: Node; name: string }
  | { k: 'index'; of: Node; key: Node }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'tuple'; items: Node[] }
  | { k: 'object'; items: Array<[Node, Node]> }
  | { k: 'cond'; test: Node; yes: Node; no: Node }
  | { k: 'bin'; op: string; left: Node; right: Node }
  | { k: 'not' | 'neg'; of: Node }
  /** What this reader does not evaluate; `refs` are the references in it, for joins. */
  | { k: 'opaque'; refs?: string[] };

const OPAQUE: Node = { k: 'opaque' };

class ParseError extends Error {}

class Parser {
  pos = 0;
  /** Open brackets: newlines inside them do not end the expression. */
  depth = 0;
  constructor(readonly text: string) {}

  skip(): void {
    this.pos = skipBlank(this.text, this.pos, this.depth > 0);
  }

  eat(token: string): boolean {
    this.skip();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.eat(token)) throw new ParseError(`expected ${token}`);
  }

  ident(): string | undefined {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  expression(): Node {
    const test = this.binary(0);
    this.skip();
    if (this.text.charAt(this.pos) === '?') {
      this.pos++;
      const yes = this.expression();
      this.expect(':');
      return { k: 'cond', test, yes, no: this.expression() };
    }
    return test;
  }

  static readonly LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];

  binary(level: number): Node {
    const ops = Parser.LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skip();
      const op = ops.find((o) => this.text.startsWith(o, this.pos) && !(o === '<' && this.text.startsWith('<<', this.pos)));
      if (!op) return left;
      this.pos += op.length;
      left = { k: 'bin', op, left, right: this.binary(level + 1) };
    }
  }

  unary(): Node {
    if (this.eat('!')) return { k: 'not', of: this.unary() };
    this.skip();
    if (this.text.charAt(this.pos) === '-' && !/[0-9]/.test(this.text.charAt(this.pos + 1))) {
      this.pos++;
      return { k: 'neg', of: this.unary() };
    }
    return this.postfix(this.primary());
  }

  postfix(node: Node): Node {
    for (;;) {
      this.skip();
      const c = this.text.charAt(this.pos);
      if (c === '.' && this.text.charAt(this.pos + 1) !== '.') {
        this.pos++;
        if (this.eat('*')) return this.rest(node);
        const name = this.ident();
        if (name !== undefined) node = { k: 'attr', of: node, name };
        else {
          const m = /^[0-9]+/.exec(this.text.slice(this.pos));
          if (!m) throw new ParseError('expected an attribute');
          this.pos += m[0].length;
          node = { k: 'index', of: node, key: { k: 'lit', v: Number(m[0]) } };
        }
      } else if (c === '[') {
        this.pos++;
        this.depth++;
        if (this.eat('*')) {
          this.depth--;
          this.expect(']');
          return this.rest(node);
        }
        const key = this.expression();
        this.depth--;
        this.expect(']');
        node = { k: 'index', of: node, key };
      } else return node;
    }
  }

  /** The traversal after a splat: read and dropped, the whole is unknown; what it splats over is still a reference. */
  rest(node: Node): Node {
    this.postfix(node);
    return { k: 'opaque', refs: referencesIn(node) };
  }

  primary(): Node {
    this.skip();
    const c = this.text.charAt(this.pos);
    if (c === '"') return this.template();
    if (this.text.startsWith('<<', this.pos)) return this.heredoc();
    if (c === '(') {
      this.pos++;
      this.depth++;
      const inner = this.expression();
      this.depth--;
      this.expect(')');
      return inner;
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    const num = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (num) {
      this.pos += num[0].length;
      return { k: 'lit', v: Number(num[0]) };
    }
    const name = this.ident();
    if (name === undefined) throw new ParseError(`unexpected ${c || 'end'}`);
    if (name === 'true' || name === 'false') return { k: 'lit', v: name === 'true' };
    if (name === 'null') return { k: 'lit', v: null };
    this.skip();
    if (this.text.startsWith('::', this.pos)) throw new ParseError('provider functions are not read');
    if (this.text.charAt(this.pos) === '(') {
      this.pos++;
      this.depth++;
      const args: Node[] = [];
      let expanded = false;
      while (!this.eat(')')) {
        args.push(this.expression());
        if (this.eat('...')) expanded = true;
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      this.depth--;
      return expanded ? OPAQUE : { k: 'call', name, args };
    }
    return { k: 'ref', root: name };
  }

  tuple(): Node {
    this.pos++;
    this.depth++;
    if (/^for\s/.test(this.text.slice(this.pos).trimStart())) return this.skipFor('[', ']');
    const items: Node[] = [];
    while (!this.eat(']')) {
      items.push(this.expression());
      if (!this.eat(',')) {
        this.expect(']');
        break;
      }
    }
    this.depth--;
    return { k: 'tuple', items };
  }

  object(): Node {
    this.pos++;
    this.depth++;
    if (/^for\s/.test(this.text.slice(this.pos).trimStart())) return this.skipFor('{', '}');
    const items: Array<[Node, Node]> = [];
    while (!this.eat('}')) {
      this.skip();
      const start = this.pos;
      const bare = this.ident();
      this.skip();
      const key: Node = bare !== undefined && (this.text.charAt(this.pos) === '=' || this.text.charAt(this.pos) === ':') ? { k: 'lit', v: bare } : ((this.pos = start), this.expression());
      this.skip();
      if (!this.eat('=') && !this.eat(':')) throw new ParseError('expected = in an object');
      items.push([key, this.expression()]);
      this.eat(',');
    }
    this.depth--;
    return { k: 'object', items };
  }

  /** A `for` expression, skipped to its closing bracket: its value is not computed. */
  skipFor(open: string, close: string): Node {
    let depth = 1;
    let code = '';
    const refs: string[] = [];
    while (this.pos < this.text.length && depth > 0) {
      const c = this.text.charAt(this.pos);
      if (c === '"') {
        refs.push(...referencesIn(this.template()));
        code += ' ';
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      code += c;
      this.pos++;
    }
    this.depth--;
    // Not evaluated, but its references (`{ for k, b in aws_s3_bucket.all : k => b.id }` names aws_s3_bucket.all)
    // serve joins; the iteration variables are not references.
    const vars = new Set(/^\s*for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/.exec(code)?.slice(1) ?? []);
    for (const m of code.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[[0-9]+\])+)/g)) {
      const [, root = '', steps = ''] = m;
      refs.push([root, ...steps.split(/\.|\[[0-9]+\]/).filter(Boolean)].join('.'));
    }
    return { k: 'opaque', refs: refs.filter((r) => !vars.has(r.split('.')[0] ?? '')) };
  }

  /** A quoted template: literal text and `${…}` interpolations; a `%{…}` directive makes it opaque. */
  template(): Node {
    this.pos++;
    const parts: Array<string | Node> = [];
    let text = '';
    let opaque = false;
    const saved = this.depth;
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        if (text) parts.push(text);
        return opaque ? OPAQUE : { k: 'tpl', parts };
      }
      if (c === '\\') {
        const escape = stringEscape(this.text, this.pos);
        text += escape.char;
        this.pos += escape.length;
        continue;
      }
      if ((c === '$' || c === '%') && this.text.charAt(this.pos + 1) === c && this.text.charAt(this.pos + 2) === '{') {
        text += `${c}{`;
        this.pos += 3;
        continue;
      }
      if ((c === '$' || c === '%') && this.text.charAt(this.pos + 1) === '{') {
        this.pos += 2;
        this.eat('~');
        this.depth = 1;
        if (c === '%') {
          opaque = true;
          this.skipFor('{', '}');
        } else {
          if (text) parts.push(text);
          text = '';
          parts.push(this.expression());
          this.eat('~');
          this.expect('}');
        }
        this.depth = saved;
        continue;
      }
      text += c;
      this.pos++;
    }
    throw new ParseError('unterminated string');
  }

  /** A heredoc: its lines as a template (interpolations evaluated), with `<<-` indentation removed. */
  heredoc(): Node {
    const heredoc = heredocAt(this.text, this.pos);
    if (!heredoc) throw new ParseError('bad heredoc');
    if (!heredoc.terminated) throw new ParseError('unterminated heredoc');
    this.pos = heredoc.end;
    const { body } = heredoc;
    // The body is a template without quote escapes: read it as one by escaping what a quoted string would take.
    const inner = new Parser(`"${body.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    return inner.template();
  }
}

/** Parses one expression's source text; undefined when it is not one this reader can take. */
export function parseExpression(text: string): Node | undefined {
  try {
    const p = new Parser(text);
    const node = p.expression();
    p.skip();
    p.depth = 1;
    p.skip();
    return p.pos >= p.text.trimEnd().length ? node : undefined;
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

export type { Node as ExpressionNode };

/** Roots of references that never name a resource block. */
const NOT_BLOCKS = new Set(['var', 'local', 'each', 'count', 'path', 'self', 'terraform', 'module', 'data']);

/** The nodes directly inside `n`, for walking an expression. */
function children(n: Node): Node[] {
  switch (n.k) {
    case 'attr':
    case 'not':
    case 'neg':
      return [n.of];
    case 'index':
      return [n.of, n.key];
    case 'tpl':
      return n.parts.filter((p): p is Node => typeof p !== 'string');
    case 'call':
      return n.args;
    case 'tuple':
      return n.items;
    case 'object':
      return n.items.flat();
    case 'cond':
      return [n.test, n.yes, n.no];
    case 'bin':
      return [n.left, n.right];
    default:
      return [];
  }
}

/**
 * The resource references an expression indexes (`aws_s3_bucket.all[local.pick[each.key]].id`): the block
 * (`aws_s3_bucket.all`) and the key expression, so the key can be evaluated to name one instance.
 */
export function indexedBlocks(node: Node): Array<{ block: string; key: Node }> {
  const out: Array<{ block: string; key: Node }> = [];
  const visit = (n: Node): void => {
    if (n.k === 'index' && n.of.k === 'attr' && n.of.of.k === 'ref' && !NOT_BLOCKS.has(n.of.of.root)) out.push({ block: `${n.of.of.root}.${n.of.name}`, key: n.key });
    children(n).forEach(visit);
  };
  visit(node);
  return out;
}

/**
 * The references an expression makes, as the plan's configuration writes them (`module.exports.id`,
 * `aws_s3_bucket.this.arn`, `var.x`): attribute steps joined by dots, index steps left out. What this reader
 * does not parse (a `for` expression) contributes none.
 */
export function referencesIn(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node): void => {
    const names: string[] = [];
    let at: Node = n;
    while (at.k === 'attr' || at.k === 'index') {
      if (at.k === 'attr') names.unshift(at.name);
      else visit(at.key);
      at = at.of;
    }
    if (at.k === 'ref') {
      out.push([at.root, ...names].join('.'));
      return;
    }
    if (at !== n) visit(at);
    else if (n.k === 'opaque') out.push(...(n.refs ?? []));
    else children(n).forEach(visit);
  };
  visit(node);
  return out;
}

const isObject = (v: Value): v is { [key: string]: Value } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a value holds anything known only at apply (an unknown, or a string with an unknown part). */
export function holdsUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (typeof v === 'string') return v.includes(AFTER_APPLY);
  if (Array.isArray(v)) return v.some(holdsUnknown);
  if (isObject(v)) return Object.values(v).some(holdsUnknown);
  return false;
}

/** Walks attribute and index steps into a value. */
export function walk(value: Value, steps: Step[]): Value {
  let v = value;
  for (const step of steps) {
    if (v === UNKNOWN) return UNKNOWN;
    if (Array.isArray(v) && typeof step === 'number') {
      if (step < 0 || step >= v.length) throw new EvaluationError(`index ${String(step)} out of range`);
      v = v[step] ?? null;
    } else if (isObject(v) && typeof step === 'string') {
      if (!(step in v)) throw new EvaluationError(`no attribute ${step}`);
      v = v[step] ?? null;
    } else if (isObject(v) && typeof step === 'number' && String(step) in v) v = v[String(step)] ?? null;
    else throw new EvaluationError(`cannot take ${String(step)}`);
  }
  return v;
}

const str = (v: Value): string => {
  if (v === UNKNOWN) return AFTER_APPLY;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new EvaluationError('not a string');
};

const bool = (v: Value): boolean | typeof UNKNOWN => {
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new EvaluationError('not a bool');
};

function equal(a: Value, b: Value): boolean | typeof UNKNOWN {
  if (holdsUnknown(a) || holdsUnknown(b)) return UNKNOWN;
  return JSON.stringify(a) === JSON.stringify(b);
}

const list = (v: Value): Value[] | typeof UNKNOWN => {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v;
  throw new EvaluationError('not a list');
};

/** Terraform's functions this evaluator implements; each sees evaluated arguments (except `try` and `can`). */
const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  compact: ([l = null]) => {
    const items = list(l);
    if (items === UNKNOWN || items.includes(UNKNOWN)) return UNKNOWN;
    return items.filter((e) => e !== null && e !== '');
  },
  concat: (args) => {
    const lists = args.map(list);
    return lists.includes(UNKNOWN) ? UNKNOWN : (lists as Value[][]).flat();
  },
  flatten: ([l = null]) => {
    const flat = (v: Value): Value[] | typeof UNKNOWN => {
      const items = list(v);
      if (items === UNKNOWN) return UNKNOWN;
      const out: Value[] = [];
      for (const e of items) {
        const inner = Array.isArray(e) ? flat(e) : e === UNKNOWN ? UNKNOWN : [e];
        if (inner === UNKNOWN) return UNKNOWN;
        out.push(...inner);
      }
      return out;
    };
    return flat(l);
  },
  coalesce: (args) => {
    for (const a of args) {
      if (a === UNKNOWN) return UNKNOWN;
      if (a !== null && a !== '') return a;
    }
    throw new EvaluationError('no non-null argument');
  },
  length: ([v = null]) => (v === UNKNOWN ? UNKNOWN : typeof v === 'string' ? (v.includes(AFTER_APPLY) ? UNKNOWN : [...new Intl.Segmenter().segment(v)].length) : Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : UNKNOWN),
  replace: ([s = null, find = null, repl = null]) => {
    if (s === UNKNOWN || find === UNKNOWN || holdsUnknown(find)) return UNKNOWN;
    const f = str(find);
    if (f.length > 1 && f.startsWith('/') && f.endsWith('/')) return UNKNOWN;
    return str(s).split(f).join(str(repl));
  },
  lookup: ([m = null, key = null, fallback]) => {
    if (m === UNKNOWN || key === UNKNOWN) return UNKNOWN;
    if (!isObject(m)) throw new EvaluationError('lookup of a non-map');
    const k = str(key);
    if (k in m) return m[k] ?? null;
    if (fallback === undefined) throw new EvaluationError(`no key ${k}`);
    return fallback;
  },
  jsonencode: ([v = null]) => JSON.stringify(v, (_, x: unknown) => (x === UNKNOWN ? AFTER_APPLY : x)),
  jsondecode: ([v = null]) => {
    if (v === UNKNOWN) return UNKNOWN;
    try {
      return JSON.parse(str(v)) as Value;
    } catch {
      throw new EvaluationError('not JSON');
    }
  },
  tostring: ([v = null]) => (v === null || v === UNKNOWN ? v : str(v)),
  tobool: ([v = null]) => (v === null ? null : bool(v)),
  tonumber: ([v = null]) => (v === null || v === UNKNOWN ? v : typeof v === 'number' ? v : Number.isNaN(Number(str(v))) ? UNKNOWN : Number(str(v))),
  tolist: ([v = null]) => v,
  toset: ([v = null]) => {
    const items = list(v);
    if (items === UNKNOWN) return UNKNOWN;
    return items.some(holdsUnknown) ? UNKNOWN : [...new Map<string, Value>(items.map((e): [string, Value] => [JSON.stringify(e), e])).values()];
  },
  tomap: ([v = null]) => v,
  distinct: (args) => FUNCTIONS.toset?.(args) ?? UNKNOWN,
  join: ([sep = null, l = null]) => {
    const items = list(l);
    return items === UNKNOWN || sep === UNKNOWN ? UNKNOWN : items.map(str).join(str(sep));
  },
  lower: ([s = null]) => (s === UNKNOWN ? UNKNOWN : holdsUnknown(s) ? UNKNOWN : str(s).toLowerCase()),
  upper: ([s = null]) => (s === UNKNOWN ? UNKNOWN : holdsUnknown(s) ? UNKNOWN : str(s).toUpperCase()),
  trimspace: ([s = null]) => (s === UNKNOWN ? UNKNOWN : str(s).trim()),
  merge: (args) => {
    if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
    const out: Record<string, Value> = {};
    for (const a of args) {
      if (a === null) continue;
      if (!isObject(a)) throw new EvaluationError('merge of a non-object');
      Object.assign(out, a);
    }
    return out;
  },
  keys: ([m = null]) => (m === UNKNOWN ? UNKNOWN : isObject(m) ? Object.keys(m).sort() : UNKNOWN),
  values: ([m = null]) => (m === UNKNOWN ? UNKNOWN : isObject(m) ? Object.keys(m).sort().map((k) => m[k] ?? null) : UNKNOWN),
  element: ([l = null, i = null]) => {
    const items = list(l);
    if (items === UNKNOWN || i === UNKNOWN || !items.length) return UNKNOWN;
    return items[Math.floor(Number(i)) % items.length] ?? null;
  },
  contains: ([l = null, v = null]) => {
    const items = list(l);
    if (items === UNKNOWN || holdsUnknown(v)) return UNKNOWN;
    if (items.some((e) => equal(e, v) === true)) return true;
    return items.some(holdsUnknown) ? UNKNOWN : false;
  },
  anytrue: ([l = null]) => {
    const items = list(l);
    if (items === UNKNOWN) return UNKNOWN;
    const b = items.map(bool);
    return b.includes(true) ? true : b.includes(UNKNOWN) ? UNKNOWN : false;
  },
  alltrue: ([l = null]) => {
    const items = list(l);
    if (items === UNKNOWN) return UNKNOWN;
    const b = items.map(bool);
    return b.includes(false) ? false : b.includes(UNKNOWN) ? UNKNOWN : true;
  },
  one: ([l = null]) => {
    const items = list(l);
    if (items === UNKNOWN) return UNKNOWN;
    if (items.length > 1) throw new EvaluationError('more than one element');
    return items[0] ?? null;
  },
  format: ([f = null, ...args]) => {
    if (f === UNKNOWN || holdsUnknown(f)) return UNKNOWN;
    const text = str(f);
    // Only %s, %d and %%; any other verb, or fewer arguments than verbs, is not guessed at.
    if (/%[^%sd]/.test(text.replace(/%%/g, '')) || (text.replace(/%%/g, '').match(/%[sd]/g) ?? []).length > args.length) return UNKNOWN;
    let i = 0;
    return text.replace(/%(%|s|d)/g, (_, verb: string) => (verb === '%' ? '%' : str(args[i++] ?? null)));
  },
};

/** Evaluates a parsed expression; Terraform errors are thrown as EvaluationError. */
export function evaluate(node: Node, scope: Scope, depth = 0): Value {
  if (depth > 64) return UNKNOWN;
  const ev = (n: Node): Value => evaluate(n, scope, depth + 1);
  switch (node.k) {
    case 'opaque':
      return UNKNOWN;
    case 'lit':
      return node.v;
    case 'tpl': {
      if (node.parts.length === 1 && typeof node.parts[0] !== 'string' && node.parts[0]) {
        // "${x}" alone is x itself, whatever its type.
        return ev(node.parts[0]);
      }
      return node.parts.map((p) => (typeof p === 'string' ? p : str(ev(p)))).join('');
    }
    case 'ref':
    case 'attr':
    case 'index': {
      const steps: Step[] = [];
      let at: Node = node;
      while (at.k === 'attr' || at.k === 'index') {
        if (at.k === 'attr') steps.unshift(at.name);
        else {
          const key = ev(at.key);
          if (key === UNKNOWN || holdsUnknown(key)) return UNKNOWN;
          if (typeof key !== 'string' && typeof key !== 'number') throw new EvaluationError('bad index');
          steps.unshift(key);
        }
        at = at.of;
      }
      if (at.k !== 'ref') return walk(ev(at), steps);
      const { value, used } = scope.resolve(at.root, steps);
      return walk(value, steps.slice(used));
    }
    case 'call': {
      if (node.name === 'try' || node.name === 'can') {
        for (const arg of node.args) {
          try {
            const v = ev(arg);
            if (node.name === 'can') return v === UNKNOWN ? UNKNOWN : true;
            return v;
          } catch (e) {
            if (!(e instanceof EvaluationError)) throw e;
            if (node.name === 'can') return false;
          }
        }
        throw new EvaluationError('no argument of try() evaluated');
      }
      const fn = FUNCTIONS[node.name];
      return fn ? fn(node.args.map(ev)) : UNKNOWN;
    }
    case 'tuple':
      return node.items.map(ev);
    case 'object': {
      const out: Record<string, Value> = {};
      for (const [k, v] of node.items) {
        const key = ev(k);
        if (holdsUnknown(key)) return UNKNOWN;
        out[str(key)] = ev(v);
      }
      return out;
    }
    case 'cond': {
      const test = bool(ev(node.test));
      if (test === UNKNOWN) return UNKNOWN;
      return ev(test ? node.yes : node.no);
    }
    case 'not': {
      const v = bool(ev(node.of));
      return v === UNKNOWN ? UNKNOWN : !v;
    }
    case 'neg': {
      const v = ev(node.of);
      return v === UNKNOWN ? UNKNOWN : -Number(v);
    }
    case 'bin':
      return binary(node.op, () => ev(node.left), () => ev(node.right));
  }
}

function binary(op: string, left: () => Value, right: () => Value): Value {
  if (op === '&&' || op === '||') {
    // The value at apply: a known false (&&) or true (||) decides, whatever the other side.
    const l = bool(left());
    if (l !== UNKNOWN && l === (op === '||')) return l;
    const r = bool(right());
    if (r !== UNKNOWN && r === (op === '||')) return r;
    return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : op === '&&';
  }
  const l = left();
  const r = right();
  if (op === '==' || op === '!=') {
    const eq = equal(l, r);
    return eq === UNKNOWN ? UNKNOWN : op === '==' ? eq : !eq;
  }
  if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
  const a = Number(l);
  const b = Number(r);
  if (Number.isNaN(a) || Number.isNaN(b)) throw new EvaluationError(`${op} of a non-number`);
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a % b;
  }
}
