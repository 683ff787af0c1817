import { readFileSync } from 'node:fs';
import ajvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormatsModule from 'ajv-formats';
import { join } from 'node:path';
import { assetDir } from '../assets.js';
import { InternalError, type ValidationIssue } from '../errors.js';
import { didYouMean } from './suggest.js';
import { formatPath, pointerToPath, type SourceDocument } from './source-document.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits one level down.
const Ajv = ajvModule.default;
const addFormats = ajvFormatsModule.default;

/** The JSON Schemas leakproof ships (`@leakproof/core/schemas/<name>.json`). */
export type SchemaName = 'config' | 'policy-pack' | 'snapshot' | 'waivers';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['uri', 'date-time', 'date']);
const compiled = new Map<SchemaName, ValidateFunction>();

/** The JSON Schema itself, as shipped in `@leakproof/core/schemas/<name>.schema.json`. */
export function loadSchema(name: SchemaName): Record<string, unknown> {
  const dir = assetDir('schemas');
  if (!dir) throw new InternalError('LP_SCHEMAS_MISSING', 'the JSON Schemas shipped with @leakproof/core were not found; reinstall it');
  return JSON.parse(readFileSync(join(dir, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

function validator(name: SchemaName): ValidateFunction {
  const cached = compiled.get(name);
  if (cached) return cached;
  const fn = ajv.compile(loadSchema(name));
  compiled.set(name, fn);
  return fn;
}

/** Where to report a schema issue: a YAML/JSON source with positions, or only a file name (JSON pointer). */
export type IssueLocator = SourceDocument | { file: string };

/**
 * Validates `data` against a shipped schema and turns ajv's errors into one clear issue per problem,
 * each naming the file, line, column and field. Operator typos in conditions get "did you mean".
 */
export function validateAgainstSchema(name: SchemaName, data: unknown, where: IssueLocator): ValidationIssue[] {
  const fn = validator(name);
  if (fn(data)) return [];
  const errors = pickMostSpecific(fn.errors ?? []);
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = toIssue(error, where);
    const keyText = `${issue.line}:${issue.col}:${issue.message}`;
    if (seen.has(keyText)) continue;
    seen.add(keyText);
    issues.push(issue);
  }
  return issues;
}

/** anyOf/oneOf and `if` summaries say less than the errors beneath them; keep the deepest ones. */
function pickMostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword));
  const list = concrete.length > 0 ? concrete : errors;
  // An anyOf over alternatives reports every alternative's failure; a failure deeper in the data
  // is the one the user meant, so drop errors whose path is a strict prefix of another error's.
  return list.filter((e) => !list.some((o) => o !== e && o.instancePath.startsWith(e.instancePath + '/')));
}

function toIssue(error: ErrorObject, where: IssueLocator): ValidationIssue {
  const path = pointerToPath(error.instancePath);
  const field = formatPath(path);
  let message: string;
  let key: string | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {});
      const isCondition = known.includes('equals');
      message = isCondition
        ? `unknown operator "${key}"${didYouMean(key, known)}`
        : `unknown field "${key}"${field ? ` in ${field}` : ''}${didYouMean(key, known)}`;
      break;
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      message = `missing required field "${missing}"${field ? ` in ${field}` : ''}`;
      break;
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      message = `${field || 'value'}: ${JSON.stringify(error.data)} is not one of ${allowed.join(', ')}${typeof error.data === 'string' ? didYouMean(error.data, allowed) : ''}`;
      break;
    }
    case 'type':
      message = `${field || 'value'} must be ${article((error.params as { type: string | string[] }).type)}, got ${jsonType(error.data)}`;
      break;
    case 'minProperties':
      message = `${field || 'the document'} must not be empty`;
      break;
    case 'minItems':
      message = `${field} must list at least ${(error.params as { limit: number }).limit} item(s)`;
      break;
    case 'minLength':
      message = `${field} must not be empty`;
      break;
    case 'pattern':
      message = `${field}: ${JSON.stringify(error.data)} does not match ${(error.params as { pattern: string }).pattern}`;
      break;
    case 'format':
      message = `${field}: ${JSON.stringify(error.data)} is not a valid ${(error.params as { format: string }).format}`;
      break;
    default:
      message = `${field || 'value'} ${error.message ?? 'is invalid'}`;
  }
  if ('position' in where) return where.issue(path, message, key);
  const pointer = error.instancePath + (key === undefined ? '' : `/${key}`);
  return { file: where.file, pointer: pointer || '/', path: formatPath(path), message };
}


function article(type: string | string[]): string {
  const t = Array.isArray(type) ? type.join(' or ') : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
