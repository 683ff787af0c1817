import { resolve } from 'node:path';
import * as core from '@actions/core';
import { ConfigurationError, SEVERITIES, anchorOf, configuredProviders, jsonChunks, severityRank, toJobSummary, toSarifStream, verdictLines, type AuditReport, type FailFinding, type LeakproofConfig, type Logger, type Severity } from '@leakproof/core';
import { loadRunConfig, providerOptions, runAudit, writeChunks, type AuditInput } from 'leakproof';

/** Routes library messages to the Actions log. Messages never carry credentials (the library passes ids). */
const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
};

function list(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Like core.getBooleanInput, but an unset input is false instead of an error. */
function flag(name: string): boolean {
  return /^(true|yes|1)$/i.test(core.getInput(name));
}

/** Action inputs that name live scopes, keyed like the CLI's flags; an empty input leaves the config file's value. */
function scopeInputs(): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const name of ['regions', 'exclude-accounts', 'projects', 'folders', 'subscriptions', 'management-groups']) {
    const given = list(name);
    if (given.length) values[name] = given;
  }
  for (const name of ['organization', 'role-name']) {
    const given = core.getInput(name).trim();
    if (given) values[name] = given;
  }
  return values;
}

function inputOf(config: LeakproofConfig | undefined): AuditInput {
  const snapshot = core.getInput('snapshot');
  const plan = core.getInput('terraform-plan');
  const given = list('providers');
  if (flag('demo')) return { kind: 'demo' };
  if ([snapshot, plan, given.length ? 'x' : ''].filter(Boolean).length > 1) throw new Error('set only one of "snapshot", "terraform-plan" or "providers"');
  // Code scanning resolves SARIF paths against the checkout, which is the workspace.
  if (plan) return { kind: 'terraform', plan, repositoryRoot: process.env.GITHUB_WORKSPACE ?? process.cwd(), ...(core.getInput('source-root') ? { sourceRoot: core.getInput('source-root') } : {}) };
  if (snapshot) return { kind: 'snapshot', file: snapshot };
  const providers = given.length ? given : config ? configuredProviders(config) : [];
  if (providers.length === 0) throw new Error('nothing to audit: set "providers" (e.g. aws), "snapshot", "terraform-plan" or "demo", or name providers in .leakproof/config.yaml');
  const unsupported = providers.filter((p) => !['aws', 'gcp', 'azure'].includes(p));
  if (unsupported.length) throw new Error(`unknown provider(s) ${unsupported.join(', ')}; available: aws, gcp, azure`);
  const { options, declared } = providerOptions(scopeInputs(), config, {});
  return { kind: 'providers', providers, options, declared };
}

/** GitHub shows at most this many annotations of each level (error, warning, notice) per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

type AnnotationLevel = 'error' | 'warning' | 'notice';
const LEVEL_OF: Record<Severity, AnnotationLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/** New in this run: there is no baseline, or the baseline did not have it. */
const isNew = (f: FailFinding): boolean => f.baselineState === undefined || f.baselineState === 'new';

/**
 * The failures to annotate: new ones before the rest, the most severe first, at most ten of each
 * level; with `only-new`, only new ones. Returns them with the number left out.
 */
export function annotationsFor(result: AuditReport, onlyNew: boolean): { chosen: FailFinding[]; left: number } {
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail' && !f.waiver)
    .sort((a, b) => Number(isNew(b)) - Number(isNew(a)) || severityRank(b.severity) - severityRank(a.severity) || a.rule.id.localeCompare(b.rule.id));
  const candidates = onlyNew ? failures.filter(isNew) : failures;
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const chosen = candidates.filter((f) => used[LEVEL_OF[f.severity]]++ < ANNOTATIONS_PER_LEVEL);
  return { chosen, left: failures.length - chosen.length };
}

/** One annotation per chosen failure, at the anchored file and line (a file of the repository). */
function annotate(result: AuditReport, chosen: FailFinding[]): void {
  for (const f of chosen) {
    const anchor = anchorOf(f, result.anchors);
    const props = { title: `${f.rule.id}: ${f.rule.title}`, file: anchor.uri, startLine: anchor.line };
    const text = `${f.message} (${f.resource.address ?? f.resource.id})${f.evidence.length ? `\nEvidence: ${f.evidence.join('; ')}` : ''}`;
    const level = LEVEL_OF[f.severity];
    if (level === 'error') core.error(text, props);
    else if (level === 'warning') core.warning(text, props);
    else core.notice(text, props);
  }
}

/** The Action: read inputs, run the library, map results to outputs, annotations, summary and status. */
export async function run(): Promise<void> {
  try {
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const config = loadRunConfig(workspace, core.getInput('config') || undefined);
    const failOnInput = core.getInput('fail-on') || config?.failOn || 'high';
    if (failOnInput !== 'none' && !(SEVERITIES as readonly string[]).includes(failOnInput)) throw new Error(`fail-on: "${failOnInput}" is not one of ${[...SEVERITIES, 'none'].join(', ')}`);
    const failOn = failOnInput as Severity | 'none';
    const onlyNew = flag('only-new');
    const baseline = core.getInput('baseline');
    const waivers = core.getInput('waivers') || config?.waivers;
    const policies = list('policies');
    const frameworks = list('frameworks');
    const result = await runAudit({
      input: inputOf(config),
      cwd: workspace,
      env: process.env,
      policies: policies.length ? policies : (config?.policies ?? []),
      builtIn: config?.builtin ?? true,
      frameworks: frameworks.length ? frameworks : (config?.frameworks ?? []),
      ...(waivers !== undefined ? { waivers } : {}),
      ...(baseline ? { baseline } : {}),
      ...(config ? { anchors: config.anchors } : {}),
      ...(config?.classification ? { classificationTags: config.classification } : {}),
      logger: actionsLogger,
      verdict: { failOn, onlyNew, allowIncomplete: flag('allow-incomplete') },
    });

    const sarifPath = core.getInput('sarif') || config?.reports?.find((r) => r.format === 'sarif' && r.output)?.output || 'leakproof.sarif';
    const category = core.getInput('category') || config?.category;
    // Streamed, and its directory made one level at a time (a recursive mkdir can hang, e.g. under /proc).
    const sarif = toSarifStream(result, { toolVersion: ACTION_VERSION, ...(category ? { category } : {}) });
    writeChunks(
      resolve(workspace, sarifPath),
      (function* () {
        yield* jsonChunks(sarif, 0);
        yield '\n';
      })(),
    );

    const failures = result.findings.filter((f): f is FailFinding => f.status === 'fail' && !f.waiver);
    const verdict = result.verdict;
    core.setOutput('sarif-path', sarifPath);
    core.setOutput('findings', String(failures.length));
    core.setOutput('new-findings', String(failures.filter(isNew).length));
    core.setOutput('verdict', verdict.verdict);

    // A baseline run (the base branch of a pull request) is judged but shown to nobody.
    if (core.getInput('annotate') === '' || flag('annotate')) {
      const { chosen, left } = annotationsFor(result, onlyNew);
      annotate(result, chosen);
      await core.summary.addRaw(toJobSummary(result, { notAnnotated: left })).write();
    }

    if (verdict.verdict === 'fail') {
      core.setFailed(`leakproof: ${verdict.blocking.length} ${onlyNew ? 'new ' : ''}finding(s) at or above ${failOn} (see the job summary)`);
    } else if (verdict.verdict === 'incomplete') {
      // Unknown is never pass: the step fails and says what was not audited.
      core.setFailed(verdictLines(verdict).map((l) => `leakproof: ${l.trim()}`).join('\n'));
    }
  } catch (error) {
    core.setOutput('verdict', 'error');
    // A configuration problem is annotated at its file and line, so the fix is one click away.
    const first = error instanceof ConfigurationError ? error.issues[0] : undefined;
    if (first?.line !== undefined) core.error(first.message, { title: 'leakproof configuration', file: first.file, startLine: first.line, ...(first.col !== undefined ? { startColumn: first.col } : {}) });
    // Configuration problems carry a one-line, file:line message; nothing else is printed.
    core.setFailed(`leakproof: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Set by the bundler from package.json; the sources run under the local runner say "dev". */
declare const __LEAKPROOF_VERSION__: string | undefined;
const ACTION_VERSION = typeof __LEAKPROOF_VERSION__ === 'string' ? __LEAKPROOF_VERSION__ : '0.1.0-dev';
