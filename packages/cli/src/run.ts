import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyBaseline,
  applyWaivers,
  audit,
  auditVerdict,
  didYouMean,
  factsNeededBy,
  loadPolicies,
  readBaseline,
  readSnapshot,
  readWaivers,
  sarifMessage,
  selectRules,
  silentLogger,
  type AuditReport,
  type ClassificationTag,
  type AuditVerdict,
  type CollectionNotice,
  type Logger,
  type Resource,
  type ScopeAnchor,
  type ScopeStatus,
  type Severity,
  type VerdictOptions,
} from '@leakproof/core';
import { UsageError } from './args.js';
import { fallbackAnchors } from './config.js';
import { collectorFor, type ProviderOptions } from './providers.js';

/** Where the resources come from. */
export type AuditInput =
  | { kind: 'demo' }
  | { kind: 'snapshot'; file: string }
  | { kind: 'terraform'; plan: string; sourceRoot?: string; repositoryRoot?: string }
  | {
      kind: 'providers';
      providers: string[];
      options: ProviderOptions;
      /** Scopes a config file declares for this run: one that is never reached is reported as not audited. */
      declared?: ScopeAnchor[];
    };

/** What `runAudit` audits and how: the input, policies, waivers, baseline and verdict options. */
export interface RunAuditOptions {
  input: AuditInput;
  cwd: string;
  env: Record<string, string | undefined>;
  policies?: string[];
  builtIn?: boolean;
  frameworks?: string[];
  /** A waiver file; default `.leakproof/waivers.yaml` when it exists. `false` turns waivers off. */
  waivers?: string | false;
  /** A previous SARIF to compare with. */
  baseline?: string;
  logger?: Logger;
  progress?: (line: string) => void;
  now?: Date;
  /** How to judge the run (default: fail on `high` and above); the verdict is set on the report (`report.verdict`). */
  verdict?: VerdictOptions;
  /**
   * Where findings without an IaC source are located in the repository (`report.anchors`): the
   * config file's scope lines. Default: see `fallbackAnchors`.
   */
  anchors?: ScopeAnchor[];
  /** Tags that classify data, besides the defaults and the policy packs' (the config file's `classification`). */
  classificationTags?: ClassificationTag[];
}

/** The waiver file read by default when it exists, relative to the working directory. */
export const DEFAULT_WAIVERS = '.leakproof/waivers.yaml';

/** The bundled demo estate, shipped in the package beside dist/ (or beside the Action bundle). */
export function demoSnapshotPath(): string {
  for (const candidate of ['../demo/medical-imaging-estate.json', './demo/medical-imaging-estate.json']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new UsageError('the bundled demo estate is missing from this installation');
}

/**
 * The whole audit, as the CLI and the GitHub Action run it: load policies, gather resources
 * (snapshot, demo or live collectors, calling only what the enabled rules need), evaluate, apply
 * waivers and compare with a baseline.
 */
export async function runAudit(options: RunAuditOptions): Promise<AuditReport & { verdict: AuditVerdict }> {
  const logger = options.logger ?? silentLogger;
  const policies = loadPolicies({ builtIn: options.builtIn !== false, paths: options.policies ?? [], cwd: options.cwd });
  const frameworks = options.frameworks ?? [];
  for (const fw of frameworks) {
    if (!policies.frameworks[fw]) throw new UsageError(`unknown framework "${fw}"${didYouMean(fw, Object.keys(policies.frameworks))}; known: ${Object.keys(policies.frameworks).join(', ')}`);
  }
  const waiverFile = options.waivers === false ? undefined : (options.waivers ?? (existsSync(resolve(options.cwd, DEFAULT_WAIVERS)) ? DEFAULT_WAIVERS : undefined));
  const waivers = waiverFile ? readWaivers(resolve(options.cwd, waiverFile), waiverFile, policies) : [];
  const baseline = options.baseline ? readBaseline(resolve(options.cwd, options.baseline), options.baseline) : undefined;

  let resources: Resource[];
  let notices: CollectionNotice[];
  let scopes: ScopeStatus[] = [];
  const input = options.input;
  if (input.kind === 'providers') {
    const collectors = input.providers.map((p) => collectorFor(p));
    const needed = factsNeededBy(selectRules(policies, frameworks));
    resources = [];
    notices = [];
    // The providers are collected at once: each waits on its own API and has its own rate budget. The
    // progress line shows every provider still collecting; results keep the order the providers were given.
    const lines: Array<string | undefined> = collectors.map(() => undefined);
    const show = () => options.progress?.(lines.filter((l) => l !== undefined).join(' | '));
    const settled = await Promise.allSettled(
      collectors.map((collector, index) =>
        collector
          .collect(input.options, needed, options.env, logger, (line) => {
            lines[index] = line;
            show();
          })
          .finally(() => (lines[index] = undefined)),
      ),
    );
    for (const outcome of settled) {
      // An internal failure of one collector is the audit's, raised once every other collector has stopped.
      if (outcome.status === 'rejected') throw outcome.reason;
      resources.push(...outcome.value.resources);
      notices.push(...outcome.value.notices);
      scopes.push(...outcome.value.scopes);
    }
    scopes.push(...unreachedScopes(input.declared ?? [], input.providers, scopes));
  } else if (input.kind === 'terraform') {
    options.progress?.(`Reading the Terraform plan ${input.plan}`);
    const { readTerraformPlan } = await import('@leakproof/terraform');
    const planned = readTerraformPlan(input.plan, { cwd: options.cwd, ...(input.sourceRoot ? { sourceRoot: input.sourceRoot } : {}), ...(input.repositoryRoot ? { repositoryRoot: input.repositoryRoot } : {}) });
    resources = planned.resources;
    notices = planned.notices;
  } else {
    options.progress?.(input.kind === 'demo' ? 'Reading the demo estate' : `Reading the snapshot ${input.file}`);
    const snapshot = input.kind === 'demo' ? readSnapshot(demoSnapshotPath(), 'demo/medical-imaging-estate.json') : readSnapshot(resolve(options.cwd, input.file), input.file);
    resources = snapshot.resources;
    notices = snapshot.notices ?? [];
    scopes = snapshot.scopes ?? [];
  }
  options.progress?.(`Evaluating ${selectRules(policies, frameworks).length} rules on ${resources.length} resources`);
  let result = audit({ resources, policies, frameworks, notices, scopes, ...(options.classificationTags ? { classificationTags: options.classificationTags } : {}) });
  if (waivers.length) result = applyWaivers(result, waivers, options.now ?? new Date());
  const comparison = baseline ? applyBaseline(result, baseline, sarifMessage) : undefined;
  return {
    ...result,
    ...(comparison ? { baseline: comparison } : {}),
    anchors: options.anchors ?? fallbackAnchors(options.cwd, options.env),
    verdict: auditVerdict(result, options.verdict ?? { failOn: 'high' }, comparison),
  };
}

const SCOPE_KIND = { aws: 'account', gcp: 'project', azure: 'subscription' } as const;

/**
 * A scope the config file names that no collector reported on (e.g. an AWS account listed without a
 * role whose credentials turned out to belong to another account) was not audited: unknown, never pass.
 */
function unreachedScopes(declared: ScopeAnchor[], providers: string[], scopes: ScopeStatus[]): ScopeStatus[] {
  const out: ScopeStatus[] = [];
  for (const d of declared) {
    if (!d.provider || d.account === undefined || !providers.includes(d.provider)) continue;
    const account = d.account.toLowerCase();
    if (scopes.some((s) => s.provider === d.provider && s.account.toLowerCase() === account)) continue;
    out.push({
      provider: d.provider,
      kind: SCOPE_KIND[d.provider],
      id: d.account,
      account: d.account,
      status: 'not-audited',
      reasons: [`declared at ${d.uri}:${d.line}, but the audit never reached it (are the credentials for another ${SCOPE_KIND[d.provider]}?)`],
    });
  }
  return out;
}

/** The verdict of a run: pass, fail or incomplete, with the blocking failures and why it is incomplete. */
export type Verdict = AuditVerdict;

/** Judges a result (see `auditVerdict`); kept for callers of earlier releases. */
export function verdictOf(result: AuditReport, failOn: Severity | 'none', onlyNew = false, allowIncomplete = false): Verdict {
  return auditVerdict(result, { failOn, onlyNew, allowIncomplete }, result.baseline);
}
