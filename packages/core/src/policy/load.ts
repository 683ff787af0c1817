import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { assetDir } from '../assets.js';
import { ConfigurationError, InternalError, type ValidationIssue, type ValidationResult } from '../errors.js';
import type { Resource, ResourceKind, Severity } from '../model.js';
import type { ClassificationTag, Escalation } from '../classification.js';
import { SourceDocument } from '../util/source-document.js';
import { validateAgainstSchema } from '../util/schema.js';
import { didYouMean } from '../util/suggest.js';
import { compileCondition, type CompiledCondition, type ConditionSpec, resolvePath } from './condition.js';

/** A framework's control catalogue, e.g. HIPAA Security Rule sections. */
export interface Framework {
  id: string;
  title: string;
  url?: string;
  controls: Record<string, string>;
}

/** A compiled rule, ready to evaluate. */
export interface Rule {
  id: string;
  /** PascalCase friendly name, for SARIF. */
  name: string;
  title: string;
  description: string;
  severity: Severity;
  kind: ResourceKind;
  where?: CompiledCondition;
  assert: CompiledCondition;
  /** Renders the failure message for a resource. */
  message: MessageTemplate;
  remediation: string;
  references: string[];
  controls: Record<string, string[]>;
  /** The severity by the classification of the resource's data, when higher than `severity`. */
  escalate?: Escalation;
  /** Where the rule is written, for SARIF anchoring (display path, 1-based line). */
  origin: { file: string; line: number; builtIn: boolean };
}

/** Loaded and compiled policies: the rules and the frameworks they map to. */
export interface PolicySet {
  rules: Rule[];
  frameworks: Record<string, Framework>;
  /** The files that made up the set, in load order. */
  files: string[];
  /** Tags that classify data, declared by the packs (`classification:`), besides the defaults. */
  classificationTags: ClassificationTag[];
}

interface RuleSpec {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  resource: ResourceKind;
  where?: ConditionSpec;
  assert: ConditionSpec;
  message: string;
  remediation: string;
  references?: string[];
  controls: Record<string, string[]>;
  escalate?: Escalation;
}

type OverrideSpec = Partial<Omit<RuleSpec, 'resource' | 'assert'>> & { id: string };

interface PackSpec {
  rules?: RuleSpec[];
  overrides?: OverrideSpec[];
  disable?: string[];
  frameworks?: Framework[];
  classification?: ClassificationTag[];
}

/** Which policy packs to load: the built-in ones and files or folders of the user's. */
export interface LoadPoliciesOptions {
  /** Include the built-in packs (default true). */
  builtIn?: boolean;
  /** Extra pack files or directories, applied after the built-ins in order. */
  paths?: string[];
  /** Paths in reports are shown relative to this directory (default: process.cwd()). */
  cwd?: string;
}

/** Directory of the built-in packs: shipped inside the package, or at the repository root in a checkout. */
export function builtInPoliciesDir(): string {
  const dir = assetDir('policies');
  if (!dir) throw new InternalError('LP_POLICIES_MISSING', 'the built-in policies shipped with @leakproof/core were not found; reinstall it');
  return dir;
}

/** Lists pack files under a path: the file itself, or every .yaml/.yml below a directory, sorted. */
export function listPackFiles(path: string, display: string, issues: ValidationIssue[]): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    issues.push({ file: display, path: '', message: 'no such file or directory' });
    return [];
  }
  if (stat.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  walk(path);
  if (out.length === 0) issues.push({ file: display, path: '', message: 'no .yaml or .yml policy files in this directory' });
  return out;
}

interface ParsedPack {
  doc: SourceDocument;
  spec: PackSpec;
  builtIn: boolean;
}

function parsePack(file: string, displayFile: string, builtIn: boolean, issues: ValidationIssue[]): ParsedPack | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    issues.push({ file: displayFile, path: '', message: 'cannot read the file' });
    return undefined;
  }
  const parsed = SourceDocument.parse(displayFile, text);
  if (!parsed.ok) {
    issues.push(...parsed.issues);
    return undefined;
  }
  const schemaIssues = validateAgainstSchema('policy-pack', parsed.document.data, parsed.document);
  if (schemaIssues.length > 0) {
    issues.push(...schemaIssues);
    return undefined;
  }
  return { doc: parsed.document, spec: parsed.document.data as PackSpec, builtIn };
}

/**
 * Loads and compiles packs: built-ins first, then the user's, in order. A user's pack may add rules,
 * override fields of existing rules by id, or disable them. Returns every problem found, each with
 * file:line:col, rather than stopping at the first.
 */
export function validatePolicies(options: LoadPoliciesOptions = {}): ValidationResult<PolicySet> {
  const cwd = options.cwd ?? process.cwd();
  const issues: ValidationIssue[] = [];
  const sources: Array<{ file: string; builtIn: boolean }> = [];
  if (options.builtIn !== false) {
    for (const f of listPackFiles(builtInPoliciesDir(), 'policies', issues)) sources.push({ file: f, builtIn: true });
  }
  for (const p of options.paths ?? []) {
    for (const f of listPackFiles(resolve(cwd, p), p, issues)) sources.push({ file: f, builtIn: false });
  }
  if (issues.length > 0) return { ok: false, issues };

  const packs = sources
    .map((s) => parsePack(s.file, displayPath(s.file, cwd, s.builtIn), s.builtIn, issues))
    .filter((p): p is ParsedPack => p !== undefined);
  if (issues.length > 0) return { ok: false, issues };

  // Frameworks first: rules in any pack may cite controls from any pack's catalogue.
  const frameworks: Record<string, Framework> = {};
  for (const { doc, spec } of packs) {
    spec.frameworks?.forEach((fw, i) => {
      if (frameworks[fw.id]) issues.push(doc.issue(['frameworks', i, 'id'], `framework "${fw.id}" is already defined`));
      else frameworks[fw.id] = fw;
    });
  }

  type Entry = { spec: RuleSpec; doc: SourceDocument; at: (string | number)[]; builtIn: boolean };
  const entries = new Map<string, Entry>();
  for (const { doc, spec, builtIn } of packs) {
    spec.rules?.forEach((rule, i) => {
      const existing = entries.get(rule.id);
      if (existing) {
        issues.push(doc.issue(['rules', i, 'id'], `duplicate rule id "${rule.id}" (first defined in ${existing.doc.file}:${existing.doc.position(existing.at).line}); use "overrides" to change a rule`));
        return;
      }
      entries.set(rule.id, { spec: rule, doc, at: ['rules', i], builtIn });
    });
  }
  // Overrides and disables apply after every rule is known, in pack order.
  const overridden = new Map<string, { doc: SourceDocument; at: (string | number)[] }>();
  for (const { doc, spec } of packs) {
    spec.overrides?.forEach((override, i) => {
      const entry = entries.get(override.id);
      if (!entry) {
        issues.push(doc.issue(['overrides', i, 'id'], `override of unknown rule "${override.id}"${didYouMean(override.id, entries.keys())}`));
        return;
      }
      entry.spec = { ...entry.spec, ...override };
      if (override.where) overridden.set(override.id, { doc, at: ['overrides', i] });
    });
    spec.disable?.forEach((id, i) => {
      if (!entries.delete(id)) issues.push(doc.issue(['disable', i], `cannot disable unknown rule "${id}"${didYouMean(id, entries.keys())}`));
    });
  }

  const rules: Rule[] = [];
  for (const [id, entry] of entries) {
    const { spec, doc, at } = entry;
    const whereSource = overridden.get(id) ?? { doc, at };
    const assert = compileCondition(spec.assert, spec.resource, doc, [...at, 'assert'], issues);
    const where = spec.where ? compileCondition(spec.where, spec.resource, whereSource.doc, [...whereSource.at, 'where'], issues) : undefined;
    for (const [fw, controls] of Object.entries(spec.controls)) {
      const catalogue = frameworks[fw];
      if (!catalogue) {
        issues.push(doc.issue([...at, 'controls'], `unknown framework "${fw}"${didYouMean(fw, Object.keys(frameworks))}; declare it under "frameworks" in a pack`, fw));
        continue;
      }
      controls.forEach((control, ci) => {
        if (!Object.hasOwn(catalogue.controls, control)) {
          issues.push(doc.issue([...at, 'controls', fw, ci], `unknown ${fw} control "${control}"${didYouMean(control, Object.keys(catalogue.controls))}`));
        }
      });
    }
    const message = compileTemplate(spec.message, spec.resource, doc, [...at, 'message'], issues);
    rules.push({
      id,
      name: pascalCase(id),
      title: spec.title,
      description: spec.description.trim(),
      severity: spec.severity,
      kind: spec.resource,
      ...(where ? { where } : {}),
      assert,
      message,
      remediation: spec.remediation.trim(),
      references: spec.references ?? [],
      controls: spec.controls,
      ...(spec.escalate ? { escalate: spec.escalate } : {}),
      origin: { file: doc.file, line: doc.position(at).line, builtIn: entry.builtIn },
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  const classificationTags = packs.flatMap((p) => p.spec.classification ?? []);
  return { ok: true, value: { rules, frameworks, files: packs.map((p) => p.doc.file), classificationTags }, issues: [] };
}

/** Like validatePolicies, but throws a ConfigurationError (one line per problem) on bad input. */
export function loadPolicies(options: LoadPoliciesOptions = {}): PolicySet {
  const result = validatePolicies(options);
  if (!result.ok) throw ConfigurationError.fromIssues('LP_POLICY_INVALID', result.issues);
  return result.value;
}

export type MessageTemplate = (resource: Resource) => string;

/** `{{ path }}` placeholders, checked against the fact catalogue when the rule compiles. */
function compileTemplate(template: string, kind: ResourceKind, doc: SourceDocument, at: (string | number)[], issues: ValidationIssue[]): MessageTemplate {
  const parts: Array<string | ((r: Resource) => string)> = [];
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)) {
    parts.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    const path = match[1] ?? '';
    const reader = resolvePath(kind, path);
    if ('error' in reader) {
      issues.push(doc.issue(at, `message placeholder: ${reader.error}`));
      continue;
    }
    if (reader.source === 'resource') {
      const read = reader.read;
      parts.push((r) => formatValue(read(r)));
    } else {
      const name = reader.name;
      parts.push((r) => {
        const fact = r.facts[name];
        return fact && 'value' in fact ? formatValue(fact.value) : 'unknown';
      });
    }
  }
  parts.push(template.slice(last));
  return (r) => parts.map((p) => (typeof p === 'string' ? p : p(r))).join('').trim();
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function pascalCase(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Built-in packs show as `policies/<file>`; user packs relative to the working directory. */
function displayPath(file: string, cwd: string, builtIn: boolean): string {
  if (builtIn) return ['policies', ...relative(builtInPoliciesDir(), file).split(sep)].join('/');
  const rel = relative(cwd, file);
  return (rel.startsWith('..') ? file : rel).split(sep).join('/');
}
