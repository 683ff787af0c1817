import { readInputFile } from './util/read-file.js';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigurationError, type ValidationIssue, type ValidationResult } from './errors.js';
import { checkFactValue, factDefinition, FACT_CATALOGUE } from './facts.js';
import { isUnknownFact, type CollectionNotice, type Resource, type ScopeStatus } from './model.js';
import { SourceDocument } from './util/source-document.js';
import { validateAgainstSchema } from './util/schema.js';
import { didYouMean } from './util/suggest.js';

/** The snapshot schema version this release writes and reads. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** A saved estate: resources with their facts, notices and scopes, audited later without the cloud. */
export interface Snapshot {
  schemaVersion: number;
  generatedAt?: string;
  generator?: string;
  description?: string;
  resources: Resource[];
  notices?: CollectionNotice[];
  /** The scopes the collection was asked to audit, with their status. */
  scopes?: ScopeStatus[];
}

/** A snapshot of collected resources, with the notices and scope statuses that say how complete it is. */
export function createSnapshot(resources: Resource[], notices: CollectionNotice[] = [], generator = 'leakproof', scopes: ScopeStatus[] = []): Snapshot {
  return { schemaVersion: SNAPSHOT_SCHEMA_VERSION, generatedAt: new Date().toISOString(), generator, resources, notices, ...(scopes.length ? { scopes } : {}) };
}

/** The snapshot as JSON text. */
export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(snapshot, null, 2) + '\n';
}

/**
 * Parses and validates a snapshot: JSON syntax, the shipped JSON Schema, the schema version, and each
 * fact against the catalogue for its resource kind. Issues carry file:line:col.
 */
export function validateSnapshot(text: string, file: string): ValidationResult<Snapshot> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    if (text.trim() === '') return { ok: false, issues: [{ file, line: 1, col: 1, path: '', message: 'the file is empty' }] };
    return { ok: false, issues: [jsonSyntaxIssue(text, file)] };
  }
  // Position lookups re-read the text with a YAML parser, but only when something is wrong:
  // large snapshots stay on the fast JSON.parse path.
  let located: SourceDocument | undefined;
  const locator = (): SourceDocument | { file: string } => {
    if (located) return located;
    const parsed = SourceDocument.parse(file, text);
    if (parsed.ok) located = parsed.document;
    return located ?? { file };
  };
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const version = (data as { schemaVersion?: unknown }).schemaVersion;
    if (typeof version === 'number' && version > SNAPSHOT_SCHEMA_VERSION) {
      const where = locator();
      const issue: ValidationIssue =
        'position' in where
          ? where.issue(['schemaVersion'], `snapshot schemaVersion ${version} is newer than this leakproof supports (${SNAPSHOT_SCHEMA_VERSION}); upgrade leakproof`)
          : { file, pointer: '/schemaVersion', path: 'schemaVersion', message: `snapshot schemaVersion ${version} is newer than supported (${SNAPSHOT_SCHEMA_VERSION})` };
      return { ok: false, issues: [issue] };
    }
  }
  const schemaIssues = validateAgainstSchema('snapshot', data, { file });
  if (schemaIssues.length > 0) {
    const where = locator();
    return { ok: false, issues: 'position' in where ? validateAgainstSchema('snapshot', data, where) : schemaIssues };
  }
  const snapshot = data as Snapshot;
  const issues: ValidationIssue[] = [];
  const ids = new Set<string>();
  snapshot.resources.forEach((resource, i) => {
    if (ids.has(resource.id)) issues.push(issueAt(locator(), ['resources', i, 'id'], `duplicate resource id "${resource.id}"`));
    ids.add(resource.id);
    for (const [name, fact] of Object.entries(resource.facts)) {
      const def = factDefinition(resource.kind, name);
      if (!def) {
        issues.push(issueAt(locator(), ['resources', i, 'facts'], `unknown fact "${name}" for ${resource.kind}${didYouMean(name, Object.keys(FACT_CATALOGUE[resource.kind]))}`, name));
        continue;
      }
      if (!isUnknownFact(fact)) {
        const mismatch = checkFactValue(def, fact.value);
        if (mismatch) issues.push(issueAt(locator(), ['resources', i, 'facts', name, 'value'], `fact "${name}": ${mismatch}`));
      }
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: snapshot, issues: [] };
}

/** Parses and validates snapshot text; errors name the file and the JSON pointer. */
export function parseSnapshot(text: string, file: string): Snapshot {
  const result = validateSnapshot(text, file);
  if (!result.ok) throw ConfigurationError.fromIssues('LP_SNAPSHOT_INVALID', result.issues);
  return result.value;
}

/** Reads and validates a snapshot file; errors name `display` (the path as the user wrote it). */
export function readSnapshot(file: string, display: string = file): Snapshot {
  return parseSnapshot(readInputFile(file, display), display);
}

function issueAt(where: SourceDocument | { file: string }, path: (string | number)[], message: string, key?: string): ValidationIssue {
  if ('position' in where) return where.issue(path, message, key);
  const pointer = '/' + [...path, ...(key ? [key] : [])].join('/');
  return { file: where.file, pointer, path: pointer, message };
}

/**
 * JSON.parse's messages differ between Node versions and some carry no position, so syntax errors
 * are located with jsonc-parser (strict JSON: no comments, no trailing commas).
 */
export function jsonSyntaxIssue(text: string, file: string): ValidationIssue {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const offset = Math.min(first?.offset ?? text.length, text.length);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  const what = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'unexpected end of input';
  return { file, line, col, path: '', message: `invalid JSON: ${what}` };
}
