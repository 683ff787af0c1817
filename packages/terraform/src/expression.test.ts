import { describe, expect, it } from 'vitest';
import { AFTER_APPLY, evaluate, indexedBlocks, parseExpression, referencesIn, UNKNOWN, type Scope, type Value } from './expression.js';

// What the module knows: `var.*` and `local.*`; any resource attribute is known only after apply.
const known: Record<string, Value> = {
  var: { name: 'photos', flag: true, off: false, policy: null },
  local: { list: ['a', 'b'], map: { k: 'v', a: 1 }, nested: [{ x: 1 }, { x: 2 }] },
};
const scope: Scope = { resolve: (root) => ({ value: known[root] ?? UNKNOWN, used: 0 }) };

const valueOf = (text: string): Value => {
  const node = parseExpression(text);
  if (!node) throw new Error(`not parsed: ${text}`);
  return evaluate(node, scope);
};

describe('evaluating HCL expressions from a module’s sources', () => {
  it.each<[string, Value]>([
    ['"nm-${var.name}"', 'nm-photos'],
    ['var.flag ? "yes" : "no"', 'yes'],
    ['var.off ? aws_s3_bucket.b.arn : "no"', 'no'],
    ['1 + 2 * 3', 7],
    ['!var.flag', false],
    ['var.name == "photos" && length(local.list) >= 2', true],
    ['false && aws_s3_bucket.b.arn', false],
    ['var.flag || aws_s3_bucket.b.arn', true],
    ['local.map["k"]', 'v'],
    ['local.map.a', 1],
    ['local.list[1]', 'b'],
    ['compact(["a", "", null, "b"])', ['a', 'b']],
    ['compact([var.off ? aws_s3_bucket.b.arn : "", var.flag ? "kept" : ""])', ['kept']],
    ['concat(local.list, ["c"])', ['a', 'b', 'c']],
    ['flatten([["a"], ["b", ["c"]]])', ['a', 'b', 'c']],
    ['coalesce("", var.name)', 'photos'],
    ['length(local.map)', 2],
    ['lookup(local.map, "missing", "fallback")', 'fallback'],
    ['merge(local.map, { k = "w" })', { k: 'w', a: 1 }],
    ['keys({ b = 1, a = 2 })', ['a', 'b']],
    ['values({ b = 1, a = 2 })', [2, 1]],
    ['element(local.list, 3)', 'b'],
    ['contains(local.list, "a")', true],
    ['distinct(["a", "a", "b"])', ['a', 'b']],
    ['join(",", local.list)', 'a,b'],
    ['upper(var.name)', 'PHOTOS'],
    ['format("%s-%d", "a", 3)', 'a-3'],
    ['one([])', null],
    ['tostring(1)', '1'],
    ['try(local.list[5], "fallback")', 'fallback'],
    ['can(local.list[5])', false],
    ['jsondecode("{\\"a\\": [1, true]}")', { a: [1, true] }],
    ['jsonencode({ Effect = "Deny", Action = ["s3:*"] })', '{"Effect":"Deny","Action":["s3:*"]}'],
    ['<<EOT\nhello ${var.name}\nEOT', 'hello photos\n'],
    ['<<-EOT\n    a\n      b\n    EOT', 'a\n  b\n'],
  ])('%s is %j', (text, expected) => {
    expect(valueOf(text)).toEqual(expected);
  });

  it.each<[string, Value]>([
    ['"${aws_s3_bucket.b.arn}/*"', `${AFTER_APPLY}/*`],
    ['replace("_ARN_/*", "_ARN_", aws_s3_bucket.b.arn)', `${AFTER_APPLY}/*`],
    ['jsonencode({ Resource = aws_s3_bucket.b.arn })', `{"Resource":"${AFTER_APPLY}"}`],
    ['try(aws_s3_bucket.b.arn, null)', UNKNOWN],
    ['compact([aws_s3_bucket.b.arn, "a"])', UNKNOWN],
    ['aws_s3_bucket.b.arn == "x"', UNKNOWN],
    ['length("${aws_s3_bucket.b.arn}")', UNKNOWN],
  ])('a value known only after apply stays unknown, or marked inside a string: %s', (text, expected) => {
    expect(valueOf(text)).toEqual(expected);
  });

  it.each([
    ['a for expression', '[for s in local.list : upper(s)]'],
    ['a splat', 'local.nested[*].x'],
    ['a function it does not implement', 'cidrsubnet("10.0.0.0/8", 8, 1)'],
    ['a template directive', '"%{ if var.flag }x%{ endif }"'],
  ])('%s is unknown, never a guess', (_what, text) => {
    expect(valueOf(text)).toBe(UNKNOWN);
  });

  it.each(['foo(', '"unterminated', 'a b', '{ a = }'])('text that is not one expression (%s) is not parsed', (text) => {
    expect(parseExpression(text)).toBeUndefined();
  });

  it.each<[string, string[]]>([
    ['module.exports.id', ['module.exports.id']],
    ['aws_s3_bucket.this[0].arn', ['aws_s3_bucket.this.arn']],
    ['var.flag ? "${aws_s3_bucket.a.id}/x" : local.ids[var.key]', ['var.flag', 'aws_s3_bucket.a.id', 'var.key', 'local.ids']],
    ['merge({ a = data.x.y.json }, try(module.m.out, {}))', ['data.x.y.json', 'module.m.out']],
    ['{ for k, m in module.buckets : k => m.id }', ['module.buckets']],
    ['[for b in aws_s3_bucket.all : "${b.arn}/*" if b.bucket != var.skip]', ['aws_s3_bucket.all', 'var.skip']],
    ['concat(aws_security_group.this.*.id, aws_security_group.named[*].id, [""])[0]', ['aws_security_group.this', 'aws_security_group.named']],
  ])('the references of %s are %j', (text, expected) => {
    expect(referencesIn(parseExpression(text)!)).toEqual(expected);
  });

  it('finds the resource blocks an expression indexes, with keys to evaluate, and not variables or locals', () => {
    const found = indexedBlocks(parseExpression('"${aws_s3_bucket.all[local.pick[each.key]].id}/${var.list[0]}" == module.m[0].out')!);
    expect(found.map((f) => [f.block, referencesIn(f.key)])).toEqual([['aws_s3_bucket.all', ['each.key', 'local.pick']]]);
  });
});
