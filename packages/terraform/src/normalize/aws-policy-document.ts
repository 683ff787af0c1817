import type { PlanContext } from '../context.js';
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
/** Arguments that merge other documents in; leakproof does not rebuild the merge. */
const MERGING = ['source_json', 'override_json', 'source_policy_documents', 'override_policy_documents'] as const;

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
 * The policy JSON a planned `aws_iam_policy_document` will render, from its statements, when everything that
 * decides who is allowed is known and only `resources` wait for apply (typically `"${aws_s3_bucket.x.arn}/*"`
 * of a bucket being created). Otherwise the reason it stays unknown.
 */
export function documentPolicy(ctx: PlanContext, doc: ResourceChange): { text: string } | { unknown: string } {
  if (ctx.isUnknown(doc, 'statement')) return { unknown: ctx.unknownReason(doc, 'statement') };
  for (const m of MERGING) {
    const v = ctx.value<unknown>(doc, m);
    if (anyUnknown(doc, m) || (Array.isArray(v) ? v.length > 0 : Boolean(v))) return { unknown: `${doc.address} merges other documents (${m}); leakproof judges it after apply` };
  }
  const statements = ctx.blocks<DocumentStatement>(doc, 'statement') ?? [];
  const Statement = [];
  for (const [i, s] of statements.entries()) {
    const pending = DECIDING.find((k) => anyUnknown(doc, 'statement', i, k));
    if (pending) return { unknown: ctx.unknownReason(doc, `statement[${i}].${pending}`) };
    const resources = anyUnknown(doc, 'statement', i, 'resources') ? undefined : s.resources;
    Statement.push({
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
  return { text: JSON.stringify({ Version: ctx.text(doc, 'version') ?? '2012-10-17', Statement }) };
}

/** Stands for an interpolation (`${…}`) inside a heredoc policy's JSON text. */
const INTERPOLATION = '@@leakproof:known-after-apply@@';

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
  const statements = Array.isArray(Statement) ? (Statement as unknown[]) : Statement === undefined ? [] : [Statement];
  const out: Array<Record<string, unknown>> = [];
  for (const [i, s] of statements.entries()) {
    if (s === null || typeof s !== 'object' || s instanceof Pending) return { unknown: `${rc.address}.policy: statement ${i + 1} is known only after apply` };
    const given = s as Record<string, unknown>;
    const pending = DECIDING_KEYS.find((k) => holdsPending(given[k]));
    if (pending) return { unknown: `${rc.address}.policy: statement ${i + 1}'s ${pending} is known only after apply` };
    // What still waits (the Resource naming the new bucket, a Sid) does not decide who is let in: left out.
    out.push(Object.fromEntries(Object.entries(given).filter(([, v]) => !holdsPending(v))));
  }
  return { text: JSON.stringify({ Version: typeof Version === 'string' ? Version : '2012-10-17', Statement: out }) };
}
