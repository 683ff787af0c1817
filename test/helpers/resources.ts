import type { Resource } from '@leakproof/core';

/** The collected resource with this name (and kind), or a test failure naming what is missing. */
export function resourceNamed(resources: Resource[], name: string, kind?: Resource['kind']): Resource {
  const r = resources.find((x) => x.name === name && (!kind || x.kind === kind));
  if (!r) throw new Error(`no resource named ${name}${kind ? ` of kind ${kind}` : ''}`);
  return r;
}

/** A fact's value; 'unknown' for an unknown fact and 'absent' for one not collected. */
export function factValue(resources: Resource[], name: string, fact: string, kind?: Resource['kind']): unknown {
  const f = resourceNamed(resources, name, kind).facts[fact];
  return f && 'value' in f ? f.value : f ? 'unknown' : 'absent';
}
