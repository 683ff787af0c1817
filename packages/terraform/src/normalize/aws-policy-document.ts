import type { PlanContext } from '../context.js';
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
  const statements = ctx.value<DocumentStatement[]>(doc, 'statement') ?? [];
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
  return { text: JSON.stringify({ Version: ctx.value<string>(doc, 'version') ?? '2012-10-17', Statement }) };
}
