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
}

/** A Terraform plan in its JSON form, as far as leakproof reads it. */
export interface Plan {
  format_version: string;
  terraform_version?: string;
  resource_changes: ResourceChange[];
  configuration?: { root_module?: ConfigModule };
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
  return plan as Plan;
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
