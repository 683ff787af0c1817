import { ConfigurationError, formatIssue, jsonSyntaxIssue, readInputFile } from '@leakproof/core';

/** One entry of `resource_changes` in `terraform show -json` output. */
export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: number | string;
  provider_name?: string;
  change: {
    actions: string[];
    before?: unknown;
    after?: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown> | boolean;
  };
}

export interface Expression {
  constant_value?: unknown;
  references?: string[];
}

export interface ConfigResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  expressions?: Record<string, unknown>;
  /** With `for_each`, the expression it iterates; `each.value` refers to its elements. */
  for_each_expression?: Expression;
}

export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { source?: string; module?: ConfigModule; expressions?: Record<string, unknown> }>;
  outputs?: Record<string, { expression?: Expression }>;
  /** Declared input variables, with their defaults. */
  variables?: Record<string, { default?: unknown }>;
}

/** A module of `prior_state.values`: data sources read while planning are here with their values. */
export interface StateModule {
  address?: string;
  resources?: Array<{ address?: string; mode?: string; values?: unknown }>;
  child_modules?: StateModule[];
}

/** A Terraform plan in its JSON form, as far as leakproof reads it. */
export interface Plan {
  format_version: string;
  terraform_version?: string;
  resource_changes: ResourceChange[];
  configuration?: { root_module?: ConfigModule };
  /** The root module's input variable values. */
  variables?: Record<string, { value?: unknown }>;
  prior_state?: { values?: { root_module?: StateModule } };
}

/** Plan JSON format versions this release reads (Terraform documents 1.x as compatible). */
export const SUPPORTED_FORMAT = /^1\.\d+$/;

/** Parses `terraform show -json plan.out` output; anything else is a one-line ConfigurationError. */
export function parsePlan(text: string, file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const truncated = text.trim().length > 0 && !/[}\]]\s*$/.test(text);
    // file:line:col, like every other input.
    const issue = jsonSyntaxIssue(text, file);
    throw new ConfigurationError('LP_PLAN_INVALID', truncated ? `${formatIssue(issue).replace(/: invalid JSON: .*$/, '')}: the plan JSON is truncated` : formatIssue(issue));
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConfigurationError('LP_PLAN_INVALID', `${file}: not a Terraform plan (expected the JSON object from "terraform show -json plan.out")`);
  const plan = data as Partial<Plan> & { planned_values?: unknown; values?: unknown };
  if (typeof plan.format_version !== 'string') {
    throw new ConfigurationError('LP_PLAN_INVALID', `${file}#/format_version: not a Terraform plan (no "format_version"; use "terraform show -json plan.out")`);
  }
  if (!SUPPORTED_FORMAT.test(plan.format_version)) {
    throw new ConfigurationError('LP_PLAN_UNSUPPORTED', `${file}#/format_version: plan format "${plan.format_version}" is not supported (this release reads 1.x)`);
  }
  if (!Array.isArray(plan.resource_changes)) {
    const hint = plan.values !== undefined && plan.planned_values === undefined ? ' (this looks like state, from "terraform show -json" without a plan file)' : '';
    throw new ConfigurationError('LP_PLAN_INVALID', `${file}#/resource_changes: not a Terraform plan${hint}`);
  }
  plan.resource_changes.forEach((rc: unknown, i) => {
    const problem = resourceChangeProblem(rc);
    if (problem) throw new ConfigurationError('LP_PLAN_INVALID', `${file}#/resource_changes/${i}${problem.at}: ${problem.what} (use the unedited output of "terraform show -json plan.out")`);
  });
  if (plan.configuration !== undefined) {
    const problem = configurationProblem(plan.configuration);
    if (problem) throw new ConfigurationError('LP_PLAN_INVALID', `${file}#/configuration${problem.at}: ${problem.what} (use the unedited output of "terraform show -json plan.out")`);
  }
  PLAN_FILES.set(plan as Plan, file);
  return plan as Plan;
}

/** The file each parsed plan came from, for errors that point into it. */
const PLAN_FILES = new WeakMap<Plan, string>();

/** The file name `parsePlan` was given for `plan` (errors point into it as `file#/json/pointer`). */
export function planFileOf(plan: Plan): string {
  return PLAN_FILES.get(plan) ?? 'the plan';
}

/** A key as a JSON pointer segment (RFC 6901: `~` is `~0`, `/` is `~1`). */
const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');

/**
 * What is wrong with the plan's `configuration`, as far as leakproof reads it (modules, resource
 * blocks, module calls, outputs, and every expression's `references`), and where.
 */
function configurationProblem(configuration: unknown): { at: string; what: string } | undefined {
  if (!isObject(configuration)) return { at: '', what: 'expected an object' };
  // Expressions nest as objects and lists of objects (blocks); a `references` list anywhere in them is strings.
  const expressionProblem = (e: unknown, at: string): { at: string; what: string } | undefined => {
    if (Array.isArray(e)) {
      for (const [i, x] of e.entries()) {
        const p = expressionProblem(x, `${at}/${String(i)}`);
        if (p) return p;
      }
      return undefined;
    }
    if (!isObject(e)) return undefined;
    if (e.references !== undefined && !isStrings(e.references)) return { at: `${at}/references`, what: 'expected a list of references' };
    for (const [k, x] of Object.entries(e)) {
      if (k === 'references' || k === 'constant_value') continue;
      const p = expressionProblem(x, `${at}/${segment(k)}`);
      if (p) return p;
    }
    return undefined;
  };
  const moduleProblem = (m: unknown, at: string): { at: string; what: string } | undefined => {
    if (m === undefined) return undefined;
    if (!isObject(m)) return { at, what: 'expected a module object' };
    if (m.resources !== undefined) {
      if (!Array.isArray(m.resources)) return { at: `${at}/resources`, what: 'expected a list of resource blocks' };
      for (const [i, r] of m.resources.entries()) {
        const here = `${at}/resources/${String(i)}`;
        if (!isObject(r)) return { at: here, what: 'expected a resource block' };
        for (const key of ['address', 'mode', 'type', 'name']) if (typeof r[key] !== 'string') return { at: `${here}/${key}`, what: 'expected a string' };
        if (r.expressions !== undefined && !isObject(r.expressions)) return { at: `${here}/expressions`, what: 'expected an object' };
        const p = expressionProblem(r.expressions, `${here}/expressions`) ?? expressionProblem(r.for_each_expression, `${here}/for_each_expression`);
        if (p) return p;
      }
    }
    if (m.module_calls !== undefined) {
      if (!isObject(m.module_calls)) return { at: `${at}/module_calls`, what: 'expected an object of module calls' };
      for (const [name, call] of Object.entries(m.module_calls)) {
        const here = `${at}/module_calls/${segment(name)}`;
        if (!isObject(call)) return { at: here, what: 'expected a module call' };
        if (call.source !== undefined && typeof call.source !== 'string') return { at: `${here}/source`, what: 'expected a string' };
        const p = expressionProblem(call.expressions, `${here}/expressions`) ?? moduleProblem(call.module, `${here}/module`);
        if (p) return p;
      }
    }
    if (m.outputs !== undefined) {
      if (!isObject(m.outputs)) return { at: `${at}/outputs`, what: 'expected an object of outputs' };
      for (const [name, output] of Object.entries(m.outputs)) {
        const p = isObject(output) ? expressionProblem(output.expression, `${at}/outputs/${segment(name)}/expression`) : { at: `${at}/outputs/${segment(name)}`, what: 'expected an output' };
        if (p) return p;
      }
    }
    return undefined;
  };
  return moduleProblem(configuration.root_module, '/root_module');
}

/** What is wrong with one entry of `resource_changes`, as far as leakproof reads it, and where. */
function resourceChangeProblem(rc: unknown): { at: string; what: string } | undefined {
  if (!isObject(rc)) return { at: '', what: 'expected a resource change object' };
  for (const key of ['address', 'type', 'name']) if (typeof rc[key] !== 'string') return { at: `/${key}`, what: 'expected a string' };
  if (rc.mode !== 'managed' && rc.mode !== 'data') return { at: '/mode', what: 'expected "managed" or "data"' };
  if (rc.module_address !== undefined && typeof rc.module_address !== 'string') return { at: '/module_address', what: 'expected a string' };
  const change = rc.change;
  if (!isObject(change)) return { at: '/change', what: 'expected an object with the planned actions and values' };
  if (!isStrings(change.actions)) return { at: '/change/actions', what: 'expected a list of actions' };
  if (change.after !== undefined && change.after !== null && !isObject(change.after)) return { at: '/change/after', what: 'expected an object of planned values, or null' };
  const unknown = change.after_unknown;
  if (unknown !== undefined && typeof unknown !== 'boolean' && !isObject(unknown)) return { at: '/change/after_unknown', what: 'expected an object or a boolean' };
  return undefined;
}

/** Reads and checks a plan JSON file; `display` is the path shown in errors. */
export function readPlan(file: string, display: string = file): Plan {
  return parsePlan(readInputFile(file, display, 'the plan'), display);
}

/** An attribute of the planned end state, or that it is unknown until apply. */
export type Planned<T = unknown> = { known: true; value: T } | { known: false };

/** Reads `after[path]`, consulting `after_unknown` so that "known after apply" is never mistaken for absent. */
export function planned<T = unknown>(rc: ResourceChange, ...path: Array<string | number>): Planned<T> {
  let value: unknown = rc.change.after ?? undefined;
  let unknown: unknown = rc.change.after_unknown;
  for (const key of path) {
    if (unknown === true) return { known: false };
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
    unknown = unknown !== null && typeof unknown === 'object' ? (unknown as Record<string | number, unknown>)[key] : undefined;
  }
  if (unknown === true) return { known: false };
  return { known: true, value: value as T };
}

/** Whether any part of an attribute is unknown until apply. */
export function anyUnknown(rc: ResourceChange, ...path: Array<string | number>): boolean {
  let unknown: unknown = rc.change.after_unknown;
  for (const key of path) {
    if (unknown === true) return true;
    unknown = unknown !== null && typeof unknown === 'object' ? (unknown as Record<string | number, unknown>)[key] : undefined;
  }
  const walk = (u: unknown): boolean => u === true || (u !== null && typeof u === 'object' && Object.values(u).some(walk));
  return walk(unknown);
}
