import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import { SEVERITIES, anchorOf, toJobSummary, toSarif, verdictLines, type AuditResult, type FailFinding, type Logger, type Severity } from '@leakproof/core';
import { runAudit, type AuditInput } from 'leakproof';

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

function inputOf(): AuditInput {
  const snapshot = core.getInput('snapshot');
  const plan = core.getInput('terraform-plan');
  const providers = list('providers');
  if (flag('demo')) return { kind: 'demo' };
  if ([snapshot, plan, providers.length ? 'x' : ''].filter(Boolean).length > 1) throw new Error('set only one of "snapshot", "terraform-plan" or "providers"');
  // Code scanning resolves SARIF paths against the checkout, which is the workspace.
  if (plan) return { kind: 'terraform', plan, repositoryRoot: process.env.GITHUB_WORKSPACE ?? process.cwd(), ...(core.getInput('source-root') ? { sourceRoot: core.getInput('source-root') } : {}) };
  if (snapshot) return { kind: 'snapshot', file: snapshot };
  if (providers.length === 0) throw new Error('nothing to audit: set "providers" (e.g. aws), "snapshot", "terraform-plan", or "demo"');
  const unsupported = providers.filter((p) => !['aws', 'gcp', 'azure'].includes(p));
  if (unsupported.length) throw new Error(`unknown provider(s) ${unsupported.join(', ')}; available: aws, gcp, azure`);
  return { kind: 'providers', providers, options: { regions: list('regions'), projects: list('projects'), subscriptions: list('subscriptions'), roleArns: [], accounts: [], runtime: {} } };
}

const ANNOTATION_LIMIT = 50;

/** One annotation per failure (most severe first, up to GitHub's useful limit), at the anchored file and line. */
function annotate(result: AuditResult): void {
  const failures = result.findings
    .filter((f): f is FailFinding => f.status === 'fail' && !f.waiver)
    .sort((a, b) => SEVERITIES.indexOf(a.rule.severity) - SEVERITIES.indexOf(b.rule.severity));
  for (const f of failures.slice(0, ANNOTATION_LIMIT)) {
    const anchor = anchorOf(f);
    const props = { title: `${f.rule.id}: ${f.rule.title}`, file: anchor.uri, startLine: anchor.line };
    const text = `${f.message} (${f.resource.address ?? f.resource.id})${f.evidence.length ? `\nEvidence: ${f.evidence.join('; ')}` : ''}`;
    if (f.rule.severity === 'critical' || f.rule.severity === 'high') core.error(text, props);
    else if (f.rule.severity === 'medium') core.warning(text, props);
    else core.notice(text, props);
  }
  if (failures.length > ANNOTATION_LIMIT) core.info(`${failures.length - ANNOTATION_LIMIT} more failures are in the SARIF report and the job summary`);
}

/** The Action: read inputs, run the library, map results to outputs, annotations, summary and status. */
export async function run(): Promise<void> {
  try {
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const failOnInput = core.getInput('fail-on') || 'high';
    if (failOnInput !== 'none' && !(SEVERITIES as readonly string[]).includes(failOnInput)) throw new Error(`fail-on: "${failOnInput}" is not one of ${[...SEVERITIES, 'none'].join(', ')}`);
    const failOn = failOnInput as Severity | 'none';
    const onlyNew = flag('only-new');
    const baseline = core.getInput('baseline');
    const waivers = core.getInput('waivers');
    const result = await runAudit({
      input: inputOf(),
      cwd: workspace,
      env: process.env,
      policies: list('policies'),
      frameworks: list('frameworks'),
      ...(waivers ? { waivers } : {}),
      ...(baseline ? { baseline } : {}),
      logger: actionsLogger,
      verdict: { failOn, onlyNew, allowIncomplete: flag('allow-incomplete') },
    });

    const sarifPath = core.getInput('sarif') || 'leakproof.sarif';
    const category = core.getInput('category');
    const sarif = toSarif(result, { toolVersion: ACTION_VERSION, ...(category ? { category } : {}) });
    const out = resolve(workspace, sarifPath);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(sarif) + '\n');

    const failures = result.findings.filter((f): f is FailFinding => f.status === 'fail' && !f.waiver);
    const verdict = result.verdict!;
    core.setOutput('sarif-path', sarifPath);
    core.setOutput('findings', String(failures.length));
    core.setOutput('new-findings', String(failures.filter((f) => f.baselineState === undefined || f.baselineState === 'new').length));
    core.setOutput('verdict', verdict.verdict);

    annotate(result);
    await core.summary.addRaw(toJobSummary(result)).write();

    if (verdict.verdict === 'fail') {
      core.setFailed(`leakproof: ${verdict.blocking.length} ${onlyNew ? 'new ' : ''}finding(s) at or above ${failOn} (see the job summary)`);
    } else if (verdict.verdict === 'incomplete') {
      // Unknown is never pass: the step fails and says what was not audited.
      core.setFailed(verdictLines(verdict).map((l) => `leakproof: ${l.trim()}`).join('\n'));
    }
  } catch (error) {
    core.setOutput('verdict', 'error');
    // Configuration problems carry a one-line, file:line message; nothing else is printed.
    core.setFailed(`leakproof: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Set by the bundler from package.json; the sources run under the local runner say "dev". */
declare const __LEAKPROOF_VERSION__: string | undefined;
const ACTION_VERSION = typeof __LEAKPROOF_VERSION__ === 'string' ? __LEAKPROOF_VERSION__ : '0.1.0-dev';
