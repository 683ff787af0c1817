import { RE2JS } from 're2js';
import { FACT_CATALOGUE, RESOURCE_ATTRIBUTES, factDefinition, type FactDefinition } from '../facts.js';
import { isUnknownFact, type FactValue, type Resource, type ResourceKind } from '../model.js';
import { InternalError, type ValidationIssue } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { PathSegment, SourceDocument } from '../util/source-document.js';

/** Three-valued result: a condition over an unknown fact is neither true nor false. */
export const TRUE = 1;
export const FALSE = 0;
export const UNKNOWN = 2;
export type Truth = typeof TRUE | typeof FALSE | typeof UNKNOWN;

/** The operators of the policy language's conditions. */
export const OPERATORS = ['equals', 'notEquals', 'in', 'notIn', 'exists', 'contains', 'matches', 'gt', 'gte', 'lt', 'lte', 'empty'] as const;
/** An operator of the policy language. */
export type Operator = (typeof OPERATORS)[number];

type Scalar = string | number | boolean | null;

/** The YAML shape of a condition, as validated by the policy-pack schema. */
export interface ConditionSpec {
  all?: ConditionSpec[];
  any?: ConditionSpec[];
  not?: ConditionSpec;
  path?: string;
  equals?: Scalar;
  notEquals?: Scalar;
  in?: Scalar[];
  notIn?: Scalar[];
  exists?: boolean;
  contains?: Scalar;
  matches?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  empty?: boolean;
}

/** A compiled condition: `test` is the hot path; `explain` runs only for findings that need evidence. */
export interface CompiledCondition {
  test(resource: Resource): Truth;
  /** The fact paths that decided the given outcome, for evidence and not-evaluated reasons. */
  explain(resource: Resource, outcome: Truth, into: Set<string>): void;
  /** Every fact this condition reads. */
  facts: string[];
}

/** Reads a path: `resource.<attr>`, `resource.tags.<key>`, or a fact name. */
export type PathReader =
  | { source: 'fact'; name: string; def: FactDefinition }
  | { source: 'resource'; read: (r: Resource) => FactValue | undefined };

export function resolvePath(kind: ResourceKind, path: string): PathReader | { error: string } {
  if (path.startsWith('resource.')) {
    const rest = path.slice('resource.'.length);
    if (rest.startsWith('tags.') && rest.length > 5) {
      const tag = rest.slice(5);
      return { source: 'resource', read: (r) => (Object.hasOwn(r.tags, tag) ? r.tags[tag] : undefined) };
    }
    if ((RESOURCE_ATTRIBUTES as readonly string[]).includes(rest)) {
      const attr = rest as (typeof RESOURCE_ATTRIBUTES)[number];
      return { source: 'resource', read: (r) => r[attr] };
    }
    return { error: `unknown resource attribute "${path}"${didYouMean(rest, [...RESOURCE_ATTRIBUTES, 'tags.<key>'].map((a) => a))}` };
  }
  const def = factDefinition(kind, path);
  if (!def) return { error: `unknown fact "${path}" for ${kind}${didYouMean(path, Object.keys(FACT_CATALOGUE[kind]))}` };
  return { source: 'fact', name: path, def };
}

/**
 * Compiles a condition once, checking paths against the fact catalogue and operators against fact
 * types, so problems surface at load time with their line and column.
 */
export function compileCondition(
  spec: ConditionSpec,
  kind: ResourceKind,
  doc: SourceDocument,
  at: PathSegment[],
  issues: ValidationIssue[],
): CompiledCondition {
  const keys = Object.keys(spec);
  const combinators = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (combinators.length > 0) {
    if (keys.length > 1) {
      issues.push(doc.issue(at, `a condition with "${combinators[0]}" must have no other keys (found ${keys.filter((k) => k !== combinators[0]).map((k) => `"${k}"`).join(', ')})`));
      return never;
    }
    if (spec.not) {
      const inner = compileCondition(spec.not, kind, doc, [...at, 'not'], issues);
      return {
        facts: inner.facts,
        test: (r) => {
          const t = inner.test(r);
          return t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE;
        },
        explain: (r, outcome, into) => inner.explain(r, outcome === UNKNOWN ? UNKNOWN : outcome === TRUE ? FALSE : TRUE, into),
      };
    }
    const op = spec.all ? 'all' : 'any';
    const children = (spec.all ?? spec.any ?? []).map((c, i) => compileCondition(c, kind, doc, [...at, op, i], issues));
    return op === 'all' ? allOf(children) : anyOf(children);
  }
  if (spec.path === undefined) {
    issues.push(doc.issue(at, 'a condition needs "all", "any", "not", or a "path" with one operator'));
    return never;
  }
  const ops = keys.filter((k) => k !== 'path') as Operator[];
  if (ops.length !== 1) {
    issues.push(doc.issue(at, ops.length === 0 ? `condition on "${spec.path}" has no operator (one of ${OPERATORS.join(', ')})` : `condition on "${spec.path}" has ${ops.length} operators (${ops.join(', ')}); use "all" to combine them`));
    return never;
  }
  const reader = resolvePath(kind, spec.path);
  if ('error' in reader) {
    issues.push(doc.issue([...at, 'path'], reader.error));
    return never;
  }
  const [op] = ops as [Operator];
  const operand = (spec as Record<string, unknown>)[op];
  const typeError = reader.source === 'fact' ? checkOperand(reader.def, op, operand) : undefined;
  if (typeError) {
    issues.push(doc.issue([...at, op], `${spec.path}: ${typeError}`));
    return never;
  }
  let regex: LinearRegex | undefined;
  if (op === 'matches') {
    try {
      // RE2 semantics: matching takes time linear in the input, so no pattern can stall an audit.
      regex = RE2JS.compile(operand as string);
    } catch (e) {
      issues.push(doc.issue([...at, op], `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`));
      return never;
    }
  }
  return leaf(reader, op, operand, regex);
}

/** A compiled `matches` pattern: RE2JS's `test` finds a match anywhere in the input, like `RegExp.test`. */
type LinearRegex = Pick<RE2JS, 'test'>;

const never: CompiledCondition = { facts: [], test: () => FALSE, explain: () => {} };

function allOf(children: CompiledCondition[]): CompiledCondition {
  return {
    facts: [...new Set(children.flatMap((c) => c.facts))],
    test(r) {
      let result: Truth = TRUE;
      for (const c of children) {
        const t = c.test(r);
        if (t === FALSE) return FALSE;
        if (t === UNKNOWN) result = UNKNOWN;
      }
      return result;
    },
    explain(r, outcome, into) {
      // A false `all` is explained by its false parts; an unknown one by its unknown parts.
      for (const c of children) if (outcome === TRUE || c.test(r) === outcome) c.explain(r, outcome, into);
    },
  };
}

function anyOf(children: CompiledCondition[]): CompiledCondition {
  return {
    facts: [...new Set(children.flatMap((c) => c.facts))],
    test(r) {
      let result: Truth = FALSE;
      for (const c of children) {
        const t = c.test(r);
        if (t === TRUE) return TRUE;
        if (t === UNKNOWN) result = UNKNOWN;
      }
      return result;
    },
    explain(r, outcome, into) {
      for (const c of children) if (outcome === FALSE || c.test(r) === outcome) c.explain(r, outcome, into);
    },
  };
}

function leaf(reader: PathReader, op: Operator, operand: unknown, regex: LinearRegex | undefined): CompiledCondition {
  const check = operatorFn(op, operand, regex);
  if (reader.source === 'resource') {
    // Resource attributes are always known: a missing tag is absent, not unknown.
    const read = reader.read;
    return { facts: [], test: (r) => check(read(r)), explain: () => {} };
  }
  const name = reader.name;
  return {
    facts: [name],
    test(r) {
      const fact = r.facts[name];
      if (fact === undefined) return op === 'exists' ? check(undefined) : UNKNOWN;
      if (isUnknownFact(fact)) return UNKNOWN;
      return check(fact.value);
    },
    explain(_r, _outcome, into) {
      into.add(name);
    },
  };
}

const bool = (b: boolean): Truth => (b ? TRUE : FALSE);

function operatorFn(op: Operator, operand: unknown, regex: LinearRegex | undefined): (v: FactValue | undefined) => Truth {
  switch (op) {
    case 'equals':
      return (v) => bool(v === operand || (v === undefined && operand === null));
    case 'notEquals':
      return (v) => bool(!(v === operand || (v === undefined && operand === null)));
    case 'in': {
      const set = new Set(operand as Scalar[]);
      return (v) => bool(set.has((v ?? null) as Scalar));
    }
    case 'notIn': {
      const set = new Set(operand as Scalar[]);
      return (v) => bool(!set.has((v ?? null) as Scalar));
    }
    case 'exists':
      return (v) => bool((v !== undefined && v !== null) === operand);
    case 'contains':
      return (v) => bool(Array.isArray(v) ? v.includes(operand as string) : typeof v === 'string' && v.includes(String(operand)));
    case 'matches': {
      // compileCondition compiles the expression of every `matches` before it asks for the function.
      if (!regex) throw new InternalError('LP_MATCHES_UNCOMPILED', 'a matches condition without its compiled expression');
      return (v) => bool(typeof v === 'string' ? regex.test(v) : Array.isArray(v) && v.some((s) => regex.test(s)));
    }
    case 'empty':
      return (v) => bool((v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) === operand);
    case 'gt':
      return (v) => bool(typeof v === 'number' && v > (operand as number));
    case 'gte':
      return (v) => bool(typeof v === 'number' && v >= (operand as number));
    case 'lt':
      return (v) => bool(typeof v === 'number' && v < (operand as number));
    case 'lte':
      return (v) => bool(typeof v === 'number' && v <= (operand as number));
  }
}

/** Checks that an operator makes sense for a fact's type, e.g. no `gt` on a boolean. */
function checkOperand(def: FactDefinition, op: Operator, operand: unknown): string | undefined {
  const scalarOk = (value: unknown): string | undefined => {
    if (value === null) return undefined;
    switch (def.type) {
      case 'boolean':
      case 'number':
      case 'string':
        return typeof value === def.type ? undefined : `expected a ${def.type} to compare with, got ${JSON.stringify(value)}`;
      case 'enum':
        return typeof value === 'string' && def.values.includes(value)
          ? undefined
          : `${JSON.stringify(value)} is not one of ${def.values.join(', ')}${typeof value === 'string' ? didYouMean(value, def.values) : ''}`;
      case 'string[]':
        return `a list fact cannot be compared with ${op}; use contains or empty`;
    }
  };
  switch (op) {
    case 'equals':
    case 'notEquals':
      return scalarOk(operand);
    case 'in':
    case 'notIn':
      return (operand as unknown[]).map(scalarOk).find((e) => e !== undefined);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return def.type === 'number' ? undefined : `${op} needs a number fact; this one is ${def.type}`;
    case 'contains':
    case 'empty':
      return def.type === 'string[]' || def.type === 'string' ? undefined : `${op} needs a list or string fact; this one is ${def.type}`;
    case 'matches':
      return def.type === 'string' || def.type === 'string[]' || def.type === 'enum' ? undefined : `matches needs a string fact; this one is ${def.type}`;
    case 'exists':
      return undefined;
  }
}
