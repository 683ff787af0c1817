import { describe, expect, it } from 'vitest';
import { DATA_CLASSIFICATIONS } from './classification.js';
import { FACT_CATALOGUE } from './facts.js';
import { PROVIDERS, RESOURCE_KINDS, SEVERITIES } from './model.js';
import { OPERATORS } from './policy/condition.js';
import { loadSchema } from './util/schema.js';

type Defs = Record<string, { enum?: string[]; properties?: Record<string, unknown> }>;

// The JSON Schemas are the published contract; the TypeScript constants must say the same thing.
describe('shipped JSON Schemas agree with the TypeScript model', () => {
  const pack = loadSchema('policy-pack').definitions as Defs;
  const snapshot = loadSchema('snapshot').definitions as Defs;

  it('lists the same resource kinds everywhere', () => {
    expect(pack.kind!.enum).toEqual([...RESOURCE_KINDS]);
    expect(snapshot.kind!.enum).toEqual([...RESOURCE_KINDS]);
    expect(Object.keys(FACT_CATALOGUE)).toEqual([...RESOURCE_KINDS]);
  });

  it('lists the same severities, data classifications and providers', () => {
    expect(pack.severity!.enum).toEqual([...SEVERITIES]);
    expect(pack.classification!.enum).toEqual([...DATA_CLASSIFICATIONS]);
    expect(Object.keys(pack.escalate!.properties!)).toEqual([...DATA_CLASSIFICATIONS]);
    expect(snapshot.provider!.enum).toEqual([...PROVIDERS]);
  });

  it('lists the same condition operators the compiler implements', () => {
    const keys = Object.keys(pack.condition!.properties!).filter((k) => !['all', 'any', 'not', 'path'].includes(k));
    expect(keys.sort()).toEqual([...OPERATORS].sort());
  });
});
