import { instanceKey, keySuffix, moduleAt, moduleInstances, modulePath } from './config.js';
import { evaluate, EvaluationError, indexedBlocks, parseExpression, UNKNOWN, type Scope, type Step, type Value } from './expression.js';
import { blockAttributeText } from './hcl.js';
import type { Expression, Plan, ResourceChange, StateModule } from './plan.js';
import type { SourceIndex } from './source.js';

/** Gives the value of an attribute of a data source Terraform reads only at apply, when a normalizer can say it (a policy document's `json`). */
export type DataAttributeHook = (read: ResourceChange, steps: Step[]) => Value | undefined;

/** The most elements and characters a variable's or local's value may have before it is taken as unknown. */
const MAX_VALUE_SIZE = 1_000_000;

/** Elements and characters in a value, counting shared parts each time they appear (as Terraform would), capped. */
function sizeOf(v: Value, seen: WeakMap<object, number>): number {
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object') return 1;
  const known = seen.get(v);
  if (known !== undefined) return known;
  let n = 1;
  for (const e of Array.isArray(v) ? v : Object.values(v)) {
    n += sizeOf(e, seen);
    if (n > MAX_VALUE_SIZE) break;
  }
  const size = Math.min(n, MAX_VALUE_SIZE + 1);
  seen.set(v, size);
  return size;
}

/** `each.value` of the instance `key` of a block whose `for_each` is `all`: a map's element, or a set's member itself. */
function eachValue(all: Value, key: string | number): Value {
  if (Array.isArray(all)) return all.includes(key) ? key : UNKNOWN;
  if (all !== null && typeof all === 'object' && typeof key === 'string') return all[key] ?? UNKNOWN;
  return UNKNOWN;
}

/** A planned value with its unknown parts (`after_unknown`) as UNKNOWN. */
function plannedValue(after: unknown, unknown: unknown): Value {
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(after)) return after.map((e, i) => plannedValue(e, Array.isArray(unknown) ? unknown[i] : undefined));
  if (after !== null && typeof after === 'object') {
    const u = unknown !== null && typeof unknown === 'object' && !Array.isArray(unknown) ? (unknown as Record<string, unknown>) : {};
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(after)) out[k] = plannedValue(v, u[k]);
    for (const [k, v] of Object.entries(u)) if (v === true) out[k] = UNKNOWN;
    return out;
  }
  if (typeof after === 'string' || typeof after === 'number' || typeof after === 'boolean') return after;
  return null;
}

/**
 * Evaluates attributes of planned blocks from their module's `.tf` sources, with what the plan knows: the
 * module calls' inputs, variable defaults, locals, planned resources and data sources. It is used only where
 * the plan says "known after apply" of a value a rule needs, to find which parts of it are in fact known.
 */
export class PlanEvaluator {
  private readonly state = new Map<string, unknown>();
  private readonly active = new Set<string>();
  private readonly memo = new WeakMap<DataAttributeHook, Map<string, Value>>();

  constructor(
    private readonly plan: Plan,
    private readonly sources: SourceIndex,
  ) {
    const visit = (mod: StateModule | undefined): void => {
      for (const r of mod?.resources ?? []) if (typeof r.address === 'string') this.state.set(r.address, r.values);
      for (const child of mod?.child_modules ?? []) visit(child);
    };
    visit(plan.prior_state?.values?.root_module);
  }

  /** The value `rc`'s attribute will have, as far as its sources and the plan tell; UNKNOWN when they do not. */
  attribute(rc: ResourceChange, attribute: string, hook: DataAttributeHook = () => undefined): Value {
    const text = this.ownBlockText(rc);
    if (text === undefined) return UNKNOWN;
    const expression = blockAttributeText(text, attribute);
    if (expression === undefined) return UNKNOWN;
    const guard = `${rc.address}.${attribute}`;
    if (this.active.has(guard)) return UNKNOWN;
    this.active.add(guard);
    try {
      return this.evaluateText(expression, rc.module_address, instanceKey(rc.address), hook, () => this.forEachOf(text, rc.module_address, hook));
    } finally {
      this.active.delete(guard);
    }
  }

  /**
   * The instance keys `rc`'s attribute indexes resource blocks of its module with, where its sources let the key
   * be evaluated (`bucket = aws_s3_bucket.all[each.value.bucket].id` -> aws_s3_bucket.all: "photos"). For joins.
   */
  indexedInstances(rc: ResourceChange, attribute: string): Map<string, string | number> {
    const out = new Map<string, string | number>();
    const text = this.ownBlockText(rc);
    const expression = text === undefined ? undefined : blockAttributeText(text, attribute);
    const node = expression === undefined ? undefined : parseExpression(expression);
    if (text === undefined || !node) return out;
    const hook: DataAttributeHook = () => undefined;
    const scope = this.scope(rc.module_address, instanceKey(rc.address), hook, () => this.forEachOf(text, rc.module_address, hook));
    const keys = new Map<string, Set<string | number>>();
    for (const { block, key } of indexedBlocks(node)) {
      let value: Value = UNKNOWN;
      try {
        value = evaluate(key, scope);
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
      }
      const seen = keys.get(block) ?? new Set<string | number>();
      // A key that is not a plain string or number, or two different keys for one block: nothing to decide with.
      seen.add(typeof value === 'string' || typeof value === 'number' ? value : Number.NaN);
      keys.set(block, seen);
    }
    for (const [block, seen] of keys) {
      const [only] = [...seen];
      if (seen.size === 1 && only !== undefined && !Number.isNaN(only)) out.set(block, only);
    }
    return out;
  }

  /** The text of `rc`'s own block in its module's sources (installed ones included). */
  private ownBlockText(rc: ResourceChange): string | undefined {
    return this.sources.sourceText(modulePath(rc.module_address), `${rc.mode === 'data' ? 'data' : 'resource'}.${rc.type}.${rc.name}`);
  }

  /** A block's `for_each` value, evaluated in its module (it cannot refer to `each` or `count` itself). */
  private forEachOf(blockText: string, moduleAddress: string | undefined, hook: DataAttributeHook): Value {
    const expression = blockAttributeText(blockText, 'for_each');
    return expression === undefined ? UNKNOWN : this.evaluateText(expression, moduleAddress, undefined, hook);
  }

  private evaluateText(text: string, moduleAddress: string | undefined, key: string | number | undefined, hook: DataAttributeHook, forEach?: () => Value): Value {
    const node = parseExpression(text);
    if (!node) return UNKNOWN;
    try {
      return evaluate(node, this.scope(moduleAddress, key, hook, forEach));
    } catch (e) {
      // An error Terraform would report (or an expression this reader mis-took): nothing is known.
      if (e instanceof EvaluationError) return UNKNOWN;
      throw e;
    }
  }

  private scope(moduleAddress: string | undefined, key: string | number | undefined, hook: DataAttributeHook, forEach?: () => Value): Scope {
    const all = (steps: Step[]): { value: Value; used: number } => ({ value: UNKNOWN, used: steps.length });
    return {
      resolve: (root, steps) => {
        const [first] = steps;
        switch (root) {
          case 'var':
            return typeof first === 'string' ? { value: this.variable(moduleAddress, first, hook), used: 1 } : all(steps);
          case 'local':
            return typeof first === 'string' ? { value: this.local(moduleAddress, first, hook), used: 1 } : all(steps);
          case 'count':
            return { value: first === 'index' && typeof key === 'number' ? key : UNKNOWN, used: 1 };
          case 'each':
            if (first === 'key') return { value: key ?? UNKNOWN, used: 1 };
            return { value: first === 'value' && key !== undefined && forEach ? eachValue(forEach(), key) : UNKNOWN, used: 1 };
          case 'module':
          case 'path':
          case 'terraform':
          case 'self':
            return all(steps);
          case 'data': {
            const [type, name] = steps;
            if (typeof type !== 'string' || typeof name !== 'string') return all(steps);
            return this.instance(moduleAddress, `data.${type}.${name}`, steps.slice(2), 2, hook);
          }
          default:
            return typeof first === 'string' ? this.instance(moduleAddress, `${root}.${first}`, steps.slice(1), 1, hook) : all(steps);
        }
      },
    };
  }

  /** A resource or data source instance (`aws_s3_bucket.b[0]`) as planned, or read while planning. */
  private instance(moduleAddress: string | undefined, block: string, rest: Step[], used: number, hook: DataAttributeHook): { value: Value; used: number } {
    const prefix = moduleAddress ? `${moduleAddress}.${block}` : block;
    const [next] = rest;
    const found = (address: string, taken: number): { value: Value; used: number } | undefined => {
      const rc = this.plan.resource_changes.find((r) => r.address === address);
      if (rc) {
        if (rc.mode === 'data') {
          const hooked = hook(rc, rest.slice(taken));
          if (hooked !== undefined) return { value: hooked, used: used + rest.length };
        }
        return { value: plannedValue(rc.change.after, rc.change.after_unknown), used: used + taken };
      }
      if (this.state.has(address)) return { value: plannedValue(this.state.get(address), undefined), used: used + taken };
      return undefined;
    };
    return found(prefix, 0) ?? (next !== undefined ? found(`${prefix}${keySuffix(next)}`, 1) : undefined) ?? { value: UNKNOWN, used: used + rest.length };
  }

  private variable(moduleAddress: string | undefined, name: string, hook: DataAttributeHook): Value {
    const instances = moduleInstances(moduleAddress);
    const root = this.plan.configuration?.root_module;
    if (!instances.length) {
      const given = this.plan.variables?.[name];
      if (given && 'value' in given) return plannedValue(given.value, undefined);
      return UNKNOWN;
    }
    const self = instances[instances.length - 1];
    const parentPath = instances.slice(0, -1);
    const call = moduleAt(root, parentPath.map((m) => m.name))?.module_calls?.[self?.name ?? ''];
    const given = call?.expressions?.[name] as Expression | undefined;
    if (given === undefined) {
      const declared = call?.module?.variables?.[name];
      if (!declared) return UNKNOWN;
      return 'default' in declared ? plannedValue(declared.default, undefined) : null;
    }
    if ('constant_value' in given) return plannedValue(given.constant_value, undefined);
    // An input set from other values: its expression in the calling module's `module` block, evaluated there.
    const parentAddress = parentPath.map((m) => `module.${m.name}${m.key === undefined ? '' : keySuffix(m.key)}`).join('.');
    const text = this.sources.sourceText(
      parentPath.map((m) => m.name),
      `module.${self?.name ?? ''}`,
    );
    const expression = text === undefined ? undefined : blockAttributeText(text, name);
    if (expression === undefined) return UNKNOWN;
    const forEach = (): Value => (text === undefined ? UNKNOWN : this.forEachOf(text, parentAddress || undefined, hook));
    return this.guarded(`${moduleAddress ?? ''}:var.${name}`, hook, () => this.evaluateText(expression, parentAddress || undefined, self?.key, hook, forEach));
  }

  private local(moduleAddress: string | undefined, name: string, hook: DataAttributeHook): Value {
    const expression = this.sources.localExpression(modulePath(moduleAddress), name);
    if (expression === undefined) return UNKNOWN;
    return this.guarded(`${moduleAddress ?? ''}:local.${name}`, hook, () => this.evaluateText(expression, moduleAddress, undefined, hook));
  }

  /**
   * Evaluates a variable or local once per evaluation (`hook` stands for one): locals that refer to each other
   * many times over cannot make it exponential. A cycle gives UNKNOWN.
   */
  private guarded(key: string, hook: DataAttributeHook, run: () => Value): Value {
    const memo = this.memo.get(hook) ?? new Map<string, Value>();
    this.memo.set(hook, memo);
    if (memo.has(key)) return memo.get(key) ?? UNKNOWN;
    if (this.active.has(key)) return UNKNOWN;
    this.active.add(key);
    try {
      let value = run();
      // A value this large (locals doubling each other) is not a policy anyone writes; walking it could take forever.
      if (sizeOf(value, new WeakMap()) > MAX_VALUE_SIZE) value = UNKNOWN;
      memo.set(key, value);
      return value;
    } finally {
      this.active.delete(key);
    }
  }

}
