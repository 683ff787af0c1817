import { FACT_CATALOGUE, RESOURCE_ATTRIBUTES } from './facts.js';

/** The fact reference as Markdown (docs/facts.md is generated from this and kept in sync by a test). */
export function factCatalogueMarkdown(): string {
  const out = [
    '# Fact reference',
    '',
    '<!-- Generated from packages/core/src/facts.ts by `pnpm gen-docs`; do not edit by hand. -->',
    '',
    'Rules test these paths. Besides facts, every kind has `resource.' + RESOURCE_ATTRIBUTES.join('`, `resource.') + '` and `resource.tags.<key>`.',
    '',
  ];
  for (const [kind, facts] of Object.entries(FACT_CATALOGUE)) {
    out.push(`## ${kind}`, '', '| fact | type | meaning |', '| --- | --- | --- |');
    for (const [name, def] of Object.entries(facts)) {
      const type = def.type === 'enum' ? def.values.map((v) => `\`${v}\``).join(' \\| ') : def.type;
      out.push(`| \`${name}\` | ${type} | ${def.description.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
