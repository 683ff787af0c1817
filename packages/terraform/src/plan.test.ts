import { describe, expect, it } from 'vitest';
import { anyUnknown, parsePlan, planned, type ResourceChange } from './plan.js';

const rc = (after: Record<string, unknown>, afterUnknown: Record<string, unknown>): ResourceChange => ({
  address: 'aws_s3_bucket.b',
  mode: 'managed',
  type: 'aws_s3_bucket',
  name: 'b',
  change: { actions: ['create'], after, after_unknown: afterUnknown },
});

describe('reading planned values', () => {
  it('returns a known value', () => expect(planned(rc({ bucket: 'x' }, {}), 'bucket')).toEqual({ known: true, value: 'x' }));
  it('says "unknown" for a value known only after apply, never absent', () => expect(planned(rc({}, { policy: true }), 'policy')).toEqual({ known: false }));
  it('treats everything under an unknown block as unknown', () => expect(planned(rc({}, { rule: true }), 'rule', 0, 'status')).toEqual({ known: false }));
  it('finds an unknown nested anywhere under an attribute', () => expect(anyUnknown(rc({ rule: [{}] }, { rule: [{ kms: true }] }), 'rule')).toBe(true));
});

describe('parsing plan files', () => {
  it.each([
    ['truncated JSON', '{"format_version": "1.2", "resource_changes": [', 'plan.json:1:48: the plan JSON is truncated'],
    ['broken JSON, with line and column', '{\n  "format_version": "1.2",\n  "resource_changes": [}\n}', 'plan.json:3:24: invalid JSON:'],
    ['state instead of a plan', '{"format_version": "1.0", "values": {}}', 'plan.json#/resource_changes: not a Terraform plan (this looks like state, from "terraform show -json" without a plan file)'],
    ['an unsupported format version', '{"format_version": "2.0", "resource_changes": []}', 'plan.json#/format_version: plan format "2.0" is not supported (this release reads 1.x)'],
    ['some other JSON', '{"name": "app"}', 'plan.json#/format_version: not a Terraform plan (no "format_version"; use "terraform show -json plan.out")'],
    ['a JSON list', '[]', 'plan.json: not a Terraform plan (expected the JSON object from "terraform show -json plan.out")'],
    ['a resource change that is not an object', '{"format_version": "1.2", "resource_changes": [7]}', 'plan.json#/resource_changes/0: expected a resource change object'],
    ['a resource change without an address', '{"format_version": "1.2", "resource_changes": [{"type": "aws_s3_bucket", "name": "b", "mode": "managed", "change": {"actions": []}}]}', 'plan.json#/resource_changes/0/address: expected a string'],
    ['actions that are not a list', '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": "create"}}]}', 'plan.json#/resource_changes/0/change/actions: expected a list of actions'],
    ['planned values that are not an object', '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "name": "b", "mode": "managed", "change": {"actions": ["create"], "after": []}}]}', 'plan.json#/resource_changes/0/change/after: expected an object of planned values, or null'],
    ['references that are not a list', '{"format_version": "1.2", "resource_changes": [], "configuration": {"root_module": {"resources": [{"address": "a.b", "mode": "managed", "type": "a", "name": "b", "expressions": {"bucket": {"references": "a.c"}}}]}}}', 'plan.json#/configuration/root_module/resources/0/expressions/bucket/references: expected a list of references'],
    ['a module call named with a slash', '{"format_version": "1.2", "resource_changes": [], "configuration": {"root_module": {"module_calls": {"a/b": 7}}}}', 'plan.json#/configuration/root_module/module_calls/a~1b: expected a module call'],
  ])('rejects %s with one line', (_what, text, message) => {
    expect(() => parsePlan(text, 'plan.json')).toThrow(message);
  });
});
