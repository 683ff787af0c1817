import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluate, loadPolicies, type Fact, type Resource } from '@leakproof/core';

type Outcome = 'pass' | 'fail' | 'not-evaluated' | 'not-applicable';
interface Case {
  facts: Record<string, unknown>;
  resource?: Partial<Resource>;
}
type Table = Record<string, Partial<Record<Outcome, Case[]>>>;

const dir = fileURLToPath(new URL('./policy-cases/', import.meta.url));
const tables: Table = Object.assign({}, ...readdirSync(dir).map((f) => parse(readFileSync(join(dir, f), 'utf8')) as Table));
const policies = loadPolicies();

function toResource(kind: Resource['kind'], c: Case): Resource {
  const facts: Record<string, Fact> = {};
  for (const [name, value] of Object.entries(c.facts)) {
    facts[name] = typeof value === 'string' && value.startsWith('?') ? { unknown: value.slice(1) } : { value: value as never, evidence: [`${name} from the case table`] };
  }
  return { id: 'case', kind, provider: 'aws', account: '1', region: 'r', name: 'case', tags: {}, ...c.resource, facts };
}

describe('every built-in rule has a case table', () => {
  it('names only rules that exist', () => {
    const ids = new Set(policies.rules.map((r) => r.id));
    expect(Object.keys(tables).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('maps every built-in rule to both HIPAA and GDPR controls', () => {
    expect(policies.rules.filter((r) => !r.controls.hipaa?.length || !r.controls.gdpr?.length).map((r) => r.id)).toEqual([]);
  });

  it('covers every built-in rule with passing, failing and not-evaluated cases', () => {
    const incomplete = policies.rules.filter((r) => !tables[r.id]?.pass?.length || !tables[r.id]?.fail?.length || !tables[r.id]?.['not-evaluated']?.length).map((r) => r.id);
    expect(incomplete).toEqual([]);
  });
});

for (const rule of policies.rules) {
  describe(`rule ${rule.id}`, () => {
    for (const [outcome, cases] of Object.entries(tables[rule.id] ?? {}) as Array<[Outcome, Case[]]>) {
      cases.forEach((c, i) => {
        it(`gives ${outcome} for case ${i + 1} (${JSON.stringify(c.facts)})`, () => {
          const finding = evaluate(rule, toResource(rule.kind, c));
          expect(finding?.status ?? 'not-applicable').toBe(outcome);
          if (finding?.status === 'fail') {
            expect(finding.evidence.length).toBeGreaterThan(0);
            expect(finding.message).not.toMatch(/\{\{/);
          }
        });
      });
    }
  });
}
