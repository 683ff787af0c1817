import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPolicies, validateWaivers, formatIssue } from '@leakproof/core';
import { repoRoot } from './helpers/cli.js';

const examples = join(repoRoot, 'examples');
const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; runs: { using: string; main: string } };
const workflows = readdirSync(examples).filter((f) => f.endsWith('.yml'));

type Step = { uses?: string; with?: Record<string, unknown>; id?: string; run?: string };
const steps = (file: string): Step[] => {
  const wf = parse(readFileSync(join(examples, file), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(wf.jobs).flatMap((j) => j.steps);
};

describe('examples stay true to the Action and the policy language', () => {
  it('action.yml runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'packages/action/dist/index.js' });
  });

  it.each(workflows)('%s passes only inputs the Action declares', (file) => {
    const used = steps(file).filter((s) => s.uses?.startsWith('leakproof/leakproof'));
    expect(used.length).toBeGreaterThan(0);
    for (const step of used) for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
  });

  it.each(workflows)('%s reads only outputs the Action declares', (file) => {
    const text = readFileSync(join(examples, file), 'utf8');
    for (const m of text.matchAll(/steps\.leakproof\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1]);
  });

  it('the custom policy pack loads on top of the built-ins', () => {
    const set = loadPolicies({ paths: ['examples/policies'], cwd: repoRoot });
    expect(set.rules.find((r) => r.id === 'acme-phi-bucket-not-private')).toBeDefined();
    expect(set.rules.find((r) => r.id === 'storage-customer-managed-key')!.escalate).toEqual({ phi: 'high', pii: 'high' });
    expect(set.classificationTags).toEqual([{ key: 'data' }]);
    expect(set.rules.find((r) => r.id === 'storage-versioning')).toBeUndefined();
  });

  it('the waiver file is valid', () => {
    const r = validateWaivers(readFileSync(join(examples, 'waivers.yaml'), 'utf8'), 'examples/waivers.yaml', loadPolicies());
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
  });
});
