import { describe, expect, it } from 'vitest';
import { blockAttribute, JsonEncoded, Pending, type HclValue } from './hcl.js';

const block = (body: string) => `resource "aws_s3_bucket_policy" "x" {\n${body}\n}\n\nresource "aws_s3_bucket" "next" {\n  policy = "not this one"\n}\n`;
/** The value with Pending shown as `<pending: text>`, so expectations read as the HCL they come from. */
const shown = (v: HclValue | undefined): unknown => {
  if (v instanceof Pending) return `<pending: ${v.text}>`;
  if (v instanceof JsonEncoded) return { jsonencode: shown(v.value) };
  if (Array.isArray(v)) return v.map(shown);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shown(x)]));
  return v;
};

describe('reading a literal attribute from a .tf block', () => {
  it.each<[string, string, unknown]>([
    ['a string', 'policy = "text"', 'text'],
    ['escapes in a string', 'policy = "a\\"b\\\\c\\u0041"', 'a"b\\cA'],
    ['numbers, booleans and null', 'policy = [1, -2.5, true, false, null]', [1, -2.5, true, false, null]],
    ['an object with = and : and quoted keys, over lines and with commas', 'policy = {\n  a = 1\n  "b:c" = "d",\n  e: [\n    "f",\n  ]\n}', { a: 1, 'b:c': 'd', e: ['f'] }],
    ['jsonencode of an object', 'policy = jsonencode({ Version = "2012-10-17" })', { jsonencode: { Version: '2012-10-17' } }],
    ['comments of every kind', 'policy = { # one\n  a = 1 // two\n  /* three */ b = 2\n}', { a: 1, b: 2 }],
    ['a reference', 'policy = aws_s3_bucket.x.arn', '<pending: aws_s3_bucket.x.arn>'],
    ['an interpolation', 'policy = "${aws_s3_bucket.x.arn}/*"', '<pending: "${aws_s3_bucket.x.arn}/*">'],
    ['a literal ${ escaped as $${', 'policy = "$${aws:username}"', '${aws:username}'],
    ['a directive', 'policy = "%{ if true }x%{ endif }"', '<pending: "%{ if true }x%{ endif }">'],
    ['a data source’s attribute', 'policy = data.x.json', '<pending: data.x.json>'],
    ['a call with arguments', 'policy = format("%s", var.x)', '<pending: format("%s", var.x)>'],
    ['a conditional after a literal', 'policy = "a" == var.b ? "c" : "d"', '<pending: "a" == var.b ? "c" : "d">'],
    ['a for expression in a tuple', 'policy = [for s in var.x : s]', '<pending: [for s in var.x : s]>'],
    ['a for expression in an object', 'policy = { for k, v in var.x : k => v }', '<pending: { for k, v in var.x : k => v }>'],
    ['an element that waits, beside literal ones', 'policy = ["a", var.b]', ['a', '<pending: var.b>']],
    ['a heredoc', 'policy = <<EOT\n{"a": 1}\nEOT', '{"a": 1}\n'],
    ['an indented heredoc', 'policy = <<-EOT\n    {"a": 1}\n    EOT', '{"a": 1}\n'],
  ])('%s', (_name, body, expected) => {
    expect(shown(blockAttribute(block(body), 'policy'))).toEqual(expected);
  });

  it('keeps a heredoc that interpolates pending, with its text', () => {
    const v = blockAttribute(block('policy = <<EOT\n{"r": "${aws_s3_bucket.x.arn}"}\nEOT'), 'policy');
    expect(v).toBeInstanceOf(Pending);
    expect((v as Pending).text).toBe('<<EOT\n{"r": "${aws_s3_bucket.x.arn}"}\nEOT\n');
  });

  it('reads only the top level of the block: a nested block or the next block does not count', () => {
    expect(blockAttribute(block('bucket = "b"\nlifecycle {\n  policy = "nested"\n}'), 'policy')).toBeUndefined();
    expect(blockAttribute(block('dynamic "rule" {\n  for_each = var.x\n  content {\n    policy = "nested"\n  }\n}\npolicy = "top"'), 'policy')).toBe('top');
  });

  it.each(['policy = [ ) ]', 'policy = { a = ) }', 'policy = { a = 1', 'policy = "unterminated', 'policy = <<EOT\nno end', 'policy = jsonencode({ a = 1 }', 'policy = [1, 2', 'policy = ((('])('never hangs or throws on malformed HCL: %s', (body) => {
    // A loop that never advances would time the test out; a throw would fail it.
    expect(() => blockAttribute(`resource "t" "x" {\n${body}`, 'policy')).not.toThrow();
  });
});
