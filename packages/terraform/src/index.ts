import { relative, resolve } from 'node:path';
import type { CollectionNotice, Resource } from '@leakproof/core';
import { PlanConfiguration } from './config.js';
import { PlanContext } from './context.js';
import { PlanEvaluator } from './evaluate.js';
import { parseExpression, referencesIn } from './expression.js';
import { AWS_TYPES, normalizeAwsPlan } from './normalize/aws.js';
import { AZURE_TYPES, normalizeAzurePlan } from './normalize/azure.js';
import { GCP_TYPES, normalizeGcpPlan } from './normalize/gcp.js';
import { parsePlan, planFileOf, readPlan, type Plan, type ResourceChange } from './plan.js';
import { SourceIndex, repositoryRootOf } from './source.js';

export { parsePlan, readPlan, SUPPORTED_FORMAT } from './plan.js';
export type { Plan, ResourceChange } from './plan.js';

/** The Terraform resource types leakproof judges. */
export const SUPPORTED_TYPES: readonly string[] = [...AWS_TYPES, ...GCP_TYPES, ...AZURE_TYPES];

/** Where a plan's sources are and what findings' paths are relative to. */
export interface TerraformOptions {
  /** Directory of the root module's `.tf` files (default: the working directory). */
  sourceRoot?: string;
  /** Directory that `sourceRoot` and the plan path are relative to (default: process.cwd()). */
  cwd?: string;
  /**
   * Paths in findings are relative to this directory. Default: the git top level of `sourceRoot`, else
   * `cwd`. The Action passes the workspace. Blocks in files outside it are not used as locations.
   */
  repositoryRoot?: string;
}

/** A plan read as resources: those leakproof judges, and notices for what it could not. */
export interface TerraformAudit {
  resources: Resource[];
  notices: CollectionNotice[];
}

/**
 * Normalizes the planned end state of a `terraform show -json` plan into leakproof resources, with the
 * same kinds, facts and evidence as the live collectors. Resources being deleted are ignored; values
 * known only after apply make the facts that depend on them unknown; resource types leakproof does not
 * judge are listed in a note.
 */
export function normalizePlan(plan: Plan, options: TerraformOptions = {}): TerraformAudit {
  const cwd = options.cwd ?? process.cwd();
  const sourceRoot = resolve(cwd, options.sourceRoot ?? '.');
  const repositoryRoot = options.repositoryRoot ? resolve(cwd, options.repositoryRoot) : repositoryRootOf(sourceRoot, cwd);
  const sources = new SourceIndex(sourceRoot, plan.configuration?.root_module, repositoryRoot);
  const managed = plan.resource_changes.filter((rc) => rc.mode === 'managed');
  const deleted = managed.filter((rc) => rc.change.actions.length === 1 && rc.change.actions[0] === 'delete');
  const kept = managed.filter((rc) => !deleted.includes(rc));
  const notices: CollectionNotice[] = [];
  // Data sources Terraform reads only at apply (their arguments depend on unknown values) are in resource_changes
  // with their known arguments; an aws_iam_policy_document there still says who its statements allow.
  const dataReads = plan.resource_changes.filter((rc) => rc.mode === 'data');
  const file = planFileOf(plan);
  const indexOf = new Map<ResourceChange, number>(plan.resource_changes.map((rc, i) => [rc, i]));
  const ctx = new PlanContext(
    kept,
    new PlanConfiguration(plan, (path, name) => {
      const expression = sources.localExpression(path, name);
      const node = expression === undefined ? undefined : parseExpression(expression);
      return node ? referencesIn(node) : [];
    }),
    (rc) => sources.locate(rc.module_address, rc.type, rc.name, rc.address),
    notices,
    dataReads,
    (rc) => sources.blockText(rc.module_address, rc.type, rc.name),
    (rc) => `${file}#/resource_changes/${String(indexOf.get(rc) ?? '?')}`,
    new PlanEvaluator(plan, sources),
  );
  const resources = [...normalizeAwsPlan(ctx), ...normalizeGcpPlan(ctx), ...normalizeAzurePlan(ctx)];
  const unjudged = new Map<string, number>();
  for (const rc of kept) if (!ctx.handled.has(rc)) unjudged.set(rc.type, (unjudged.get(rc.type) ?? 0) + 1);
  if (unjudged.size) {
    const list = [...unjudged].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} (${n})`);
    notices.push({ level: 'note', message: `the plan has resources of types leakproof does not judge: ${list.join(', ')}` });
  }
  if (sources.outside.size) notices.push({ level: 'note', message: `.tf files outside the repository root ${repositoryRoot} are not used as finding locations: ${[...sources.outside].join(', ')}` });
  if (sources.notInstalled.size) {
    const calls = [...sources.notInstalled].sort().join(', ');
    notices.push({ level: 'note', message: `the sources of ${calls} are not installed under ${relative(cwd, sourceRoot) || '.'} (run "terraform init" there, or set TF_DATA_DIR): values their modules know only after apply stay unknown` });
  }
  if (deleted.length) notices.push({ level: 'note', message: `${deleted.length} resource(s) being deleted were not judged: ${deleted.map((d) => d.address).join(', ')}` });
  return { resources, notices };
}

/** Reads, validates and normalizes a plan file (`terraform show -json plan.out > plan.json`). */
export function readTerraformPlan(file: string, options: TerraformOptions & { display?: string } = {}): TerraformAudit {
  return normalizePlan(readPlan(resolve(options.cwd ?? process.cwd(), file), options.display ?? file), options);
}

// Re-exported so callers can parse text they already hold.
/** Reads plan JSON text (`terraform show -json`) as resources; `file` is the name shown in errors. */
export function normalizePlanText(text: string, file: string, options: TerraformOptions = {}): TerraformAudit {
  return normalizePlan(parsePlan(text, file), options);
}
