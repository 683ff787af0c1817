import type { PlanContext } from '../context.js';
import type { DataAttributeHook } from '../evaluate.js';
import { AFTER_APPLY, UNKNOWN, type Value } from '../expression.js';
import { blockAttribute, JsonEncoded, Pending, type HclValue } from '../hcl.js';
import { anyUnknown, type ResourceChange } from '../plan.js';

interface DocumentStatement {
  sid?: string | null;
  effect?: string | null;
  actions?: string[] | null;
  not_actions?: string[] | null;
  resources?: string[] | null;
  not_resources?: string[] | null;
  principals?: Array<{ type?: string; identifiers?: string[] }> | null;
  not_principals?: Array<{ type?: string; identifiers?: string[] }> | null;
  condition?: Array<{ test?: string; variable?: string; values?: string[] }> | null;
}

/** What decides who a statement lets in; `resources` only say which objects, and the public judgment does not need them. */
const DECIDING = ['effect', 'actions', 'not_actions', 'principals', 'not_principals', 'condition', 'not_resources'] as const;

/** A statement of a rendered policy document, as IAM JSON (`Sid`, `Effect`, `Principal`, …). */
type Statement = Record<string, unknown>;
type Rendered = { statements: Statement[] } | { unknown: string };

const principalOf = (blocks: NonNullable<DocumentStatement['principals']>): unknown => {
  // The data source renders `type = "*"` with identifiers ["*"] as "Principal": "*".
  if (blocks.some((b) => b.type === '*')) return '*';
  const out: Record<string, string[]> = {};
  for (const b of blocks) out[b.type ?? 'AWS'] = [...(out[b.type ?? 'AWS'] ?? []), ...(b.identifiers ?? [])];
  return out;
};

const conditionOf = (blocks: NonNullable<DocumentStatement['condition']>): Record<string, Record<string, string[]>> => {
  const out: Record<string, Record<string, string[]>> = {};
  for (const c of blocks) {
    if (!c.test || !c.variable) continue;
    out[c.test] = { ...out[c.test], [c.variable]: [...(out[c.test]?.[c.variable] ?? []), ...(c.values ?? [])] };
  }
  return out;
};

/**
 * The policy JSON a planned `aws_iam_policy_document` will render, when everything that decides who is
 * allowed is known and only `resources` wait for apply (typically `"${aws_s3_bucket.x.arn}/*"` of a bucket
 * being created). Documents it merges in (`source_policy_documents`, `override_policy_documents` and the older
 * `source_json`/`override_json`) are merged as the provider does, whether their JSON is in the plan or they are
 * themselves documents read at apply. Otherwise the reason it stays unknown.
 */
export function documentPolicy(ctx: PlanContext, doc: ResourceChange): { text: string } | { unknown: string } {
  const rendered = renderDocument(ctx, doc, new Set());
  if ('unknown' in rendered) return rendered;
  return { text: JSON.stringify({ Version: ctx.text(doc, 'version') ?? '2012-10-17', Statement: rendered.statements }) };
}

/**
 * The provider's merge: a statement with a Sid replaces the earlier statement with the same Sid, and any
 * other statement is appended. It builds a document from `source_json`, then `source_policy_documents` in
 * order, then the document's own `statement` blocks, then `override_json`, then `override_policy_documents`.
 */
function mergeInto(merged: Statement[], incoming: Statement[]): void {
  for (const statement of incoming) {
    const sid = typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : undefined;
    const at = sid === undefined ? -1 : merged.findIndex((m) => m.Sid === sid);
    if (at < 0) merged.push(statement);
    else merged[at] = statement;
  }
}

function renderDocument(ctx: PlanContext, doc: ResourceChange, seen: ReadonlySet<ResourceChange>): Rendered {
  if (seen.has(doc)) return { unknown: `${doc.address} merges itself` };
  const within = new Set([...seen, doc]);
  const steps: Array<() => Rendered[] | { unknown: string }> = [
    () => mergedDocuments(ctx, doc, 'source_json', within),
    () => mergedDocuments(ctx, doc, 'source_policy_documents', within),
    () => {
      const own = ownStatements(ctx, doc);
      return 'unknown' in own ? own : [own];
    },
    () => mergedDocuments(ctx, doc, 'override_json', within),
    () => mergedDocuments(ctx, doc, 'override_policy_documents', within),
  ];
  const merged: Statement[] = [];
  for (const step of steps) {
    const pieces = step();
    if ('unknown' in pieces) return pieces;
    for (const piece of pieces) {
      if ('unknown' in piece) return piece;
      mergeInto(merged, piece.statements);
    }
  }
  return { statements: merged };
}

/** The document's own `statement` blocks, as IAM JSON. */
function ownStatements(ctx: PlanContext, doc: ResourceChange): Rendered {
  if (ctx.isUnknown(doc, 'statement')) return { unknown: ctx.unknownReason(doc, 'statement') };
  const statements = ctx.blocks<DocumentStatement>(doc, 'statement') ?? [];
  const out: Statement[] = [];
  for (const [i, s] of statements.entries()) {
    const pending = DECIDING.find((k) => anyUnknown(doc, 'statement', i, k));
    if (pending) return { unknown: ctx.unknownReason(doc, `statement[${i}].${pending}`) };
    const resources = anyUnknown(doc, 'statement', i, 'resources') ? undefined : s.resources;
    out.push({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      ...(s.principals?.length ? { Principal: principalOf(s.principals) } : {}),
      ...(s.not_principals?.length ? { NotPrincipal: principalOf(s.not_principals) } : {}),
      ...(s.actions?.length ? { Action: s.actions } : {}),
      ...(s.not_actions?.length ? { NotAction: s.not_actions } : {}),
      ...(resources?.length ? { Resource: resources } : {}),
      ...(s.not_resources?.length ? { NotResource: s.not_resources } : {}),
      ...(s.condition?.length ? { Condition: conditionOf(s.condition) } : {}),
    });
  }
  return { statements: out };
}

/** The statements of policy JSON text, or undefined when it is not a policy document. */
function statementsIn(text: string): Statement[] | undefined {
  const doc = parseJson(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const given = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(given) ? (given as unknown[]) : given === undefined ? [] : [given];
  return list.every((s) => s !== null && typeof s === 'object' && !Array.isArray(s)) ? (list as Statement[]) : undefined;
}

/**
 * The documents one merging argument brings in, in order. An element known only after apply is the JSON of a
 * document Terraform reads at apply; it is rendered in its turn when the argument refers to such documents
 * only, as many as there are such elements. When more than one is, their order is not in the plan: it then
 * may not decide anything, so two of them sharing a Sid leave the document unknown.
 */
function mergedDocuments(ctx: PlanContext, doc: ResourceChange, attribute: 'source_json' | 'override_json' | 'source_policy_documents' | 'override_policy_documents', seen: ReadonlySet<ResourceChange>): Rendered[] | { unknown: string } {
  const single = attribute.endsWith('_json');
  if (!single && ctx.isUnknown(doc, attribute)) {
    // The whole list waits (`compact([var.x ? data.d[0].json : "", …])`): its elements, from the module's sources.
    const evaluated = ctx.evaluate(doc, attribute, policyJsonHook(ctx));
    const texts = Array.isArray(evaluated) && evaluated.every((e): e is string => typeof e === 'string') ? evaluated : undefined;
    if (!texts) return { unknown: `${ctx.unknownReason(doc, attribute)}, so which documents it merges is not in the plan` };
    const out: Rendered[] = [];
    for (const text of texts) {
      const statements = statementsIn(text);
      if (!statements) return { unknown: `${doc.address}.${attribute} has an element that is not a policy document` };
      const known = knownStatements(`${doc.address}.${attribute}`, statements);
      if ('unknown' in known) return known;
      out.push({ statements: known });
    }
    return out;
  }
  const elements: Array<string | null> = single ? [ctx.isUnknown(doc, attribute) ? null : (ctx.text(doc, attribute) ?? '')].filter((e) => e !== '') : (ctx.texts(doc, attribute) ?? []);
  const pending = elements.filter((e) => e === null).length;
  const out: Rendered[] = [];
  for (const text of elements) {
    if (text === null) continue;
    const statements = statementsIn(text);
    if (!statements) return { unknown: `${doc.address}.${attribute} has an element that is not a policy document` };
    out.push({ statements });
  }
  if (pending === 0) return out;
  const { reads, onlyThese } = ctx.dataSourcesOf(doc, attribute, 'aws_iam_policy_document');
  if (!onlyThese || reads.length !== pending) return { unknown: `${ctx.unknownReason(doc, attribute)}: an element waits for something other than a policy document` };
  for (const read of reads) out.push(renderDocument(ctx, read, seen));
  if (pending > 1) {
    const sids = out.flatMap((r) => ('statements' in r ? r.statements.flatMap((s) => (typeof s.Sid === 'string' && s.Sid !== '' ? [s.Sid] : [])) : []));
    if (new Set(sids).size !== sids.length) return { unknown: `${ctx.unknownReason(doc, attribute)}: documents sharing a Sid are merged in an order the plan does not say` };
  }
  return out;
}

/** Stands for an interpolation (`${…}`) inside a heredoc policy's JSON text. */
const INTERPOLATION = AFTER_APPLY;

/** A deferred `aws_iam_policy_document`'s `json`, rendered (see documentPolicy), for evaluating expressions that use it. */
export function policyJsonHook(ctx: PlanContext): DataAttributeHook {
  return (read, steps) => {
    if (read.type !== 'aws_iam_policy_document' || (steps[0] !== 'json' && steps[0] !== 'minified_json') || steps.length !== 1) return undefined;
    const rendered = documentPolicy(ctx, read);
    return 'text' in rendered ? rendered.text : UNKNOWN;
  };
}

/**
 * Statements with what waits for apply taken out where it does not decide who is let in (the Resource naming a
 * new bucket, a Sid); the reason when something that decides is itself known only after apply.
 */
function knownStatements(where: string, statements: unknown[]): Statement[] | { unknown: string } {
  const out: Statement[] = [];
  for (const [i, s] of statements.entries()) {
    if (s === null || typeof s !== 'object' || s instanceof Pending) return { unknown: `${where}: statement ${String(i + 1)} is known only after apply` };
    const given = s as Record<string, unknown>;
    const pending = DECIDING_KEYS.find((k) => holdsPending(given[k]));
    if (pending) return { unknown: `${where}: statement ${String(i + 1)}'s ${pending} is known only after apply` };
    out.push(Object.fromEntries(Object.entries(given).filter(([, v]) => !holdsPending(v))));
  }
  return out;
}

/**
 * The policy a planned resource's `policy` argument will have, evaluated from its module's sources
 * (`policy = local.policy`, a `replace()` of a document's JSON…), when only what does not decide access waits for
 * apply. Undefined when the sources do not say.
 */
export function evaluatedPolicy(ctx: PlanContext, rc: ResourceChange): { text: string } | { unknown: string } | undefined {
  const value: Value = ctx.evaluate(rc, 'policy', policyJsonHook(ctx));
  if (typeof value !== 'string') return undefined;
  const doc = parseJson(value);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  if (typeof Statement === 'string') return { unknown: `${rc.address}.policy: its statements are known only after apply` };
  const known = knownStatements(`${rc.address}.policy`, Array.isArray(Statement) ? (Statement as unknown[]) : Statement === undefined ? [] : [Statement]);
  if ('unknown' in known) return known;
  return { text: JSON.stringify({ Version: typeof Version === 'string' ? Version : '2012-10-17', Statement: known }) };
}

/** Whether a value read from HCL holds anything only Terraform knows. */
function holdsPending(v: unknown): boolean {
  if (v instanceof Pending) return true;
  if (typeof v === 'string') return v.includes(INTERPOLATION);
  if (Array.isArray(v)) return v.some(holdsPending);
  if (v !== null && typeof v === 'object') return Object.values(v).some(holdsPending);
  return false;
}

/** The policy document an attribute's HCL expression writes: `jsonencode({…})`, or a heredoc of JSON text with interpolations. */
function documentIn(v: HclValue | undefined): unknown {
  if (v instanceof JsonEncoded) return v.value;
  if (typeof v === 'string') return parseJson(v);
  if (v instanceof Pending && v.text.startsWith('<<')) {
    if (/(^|[^%])%\{/.test(v.text)) return undefined;
    const lines = v.text.split('\n');
    const marker = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)/.exec(lines[0] ?? '')?.[1];
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === marker);
    const body = lines.slice(1, end < 0 ? undefined : end).join('\n');
    return parseJson(body.replace(/\$\{[^}]*\}/g, INTERPOLATION));
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The statement keys that decide who is let in; `Resource` only says which objects (a bucket policy can only name its own bucket). */
const DECIDING_KEYS = ['Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Condition', 'NotResource'] as const;

/**
 * The policy JSON a planned resource's own `policy` argument will have, read from its `.tf` block, when
 * Terraform knows it only after apply because a statement names the bucket being created
 * (`Resource = "${aws_s3_bucket.x.arn}/*"`): everything that decides who is allowed is literal, so the
 * policy can be judged now. Undefined when the block is not at hand or does not write a literal document;
 * the reason when something that decides access is itself known only after apply.
 */
export function inlinePolicy(ctx: PlanContext, rc: ResourceChange): { text: string } | { unknown: string } | undefined {
  const text = ctx.blockText(rc);
  if (!text) return undefined;
  const doc = documentIn(blockAttribute(text, 'policy'));
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Pending) return undefined;
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  if (Statement instanceof Pending || typeof Statement === 'string') return { unknown: `${rc.address}.policy: its statements are known only after apply` };
  const known = knownStatements(`${rc.address}.policy`, Array.isArray(Statement) ? (Statement as unknown[]) : Statement === undefined ? [] : [Statement]);
  if ('unknown' in known) return known;
  return { text: JSON.stringify({ Version: typeof Version === 'string' ? Version : '2012-10-17', Statement: known }) };
}
