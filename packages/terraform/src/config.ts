import type { ConfigModule, ConfigResource, Expression, Plan, ResourceChange } from './plan.js';

/** An instance key in an address: `[0]` or `["eu"]` (a quoted key may hold `]` or `.`). */
const INSTANCE_KEY = String.raw`\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]`;

/** The key an instance key's text stands for: `"eu"` -> 'eu', `0` -> 0. */
const keyOf = (text: string): string | number => (text.startsWith('"') ? (JSON.parse(text) as string) : Number(text));

/** `module.a["x"].module.b[0]` -> [{ name: 'a', key: 'x' }, { name: 'b', key: 0 }]. */
export function moduleInstances(moduleAddress: string | undefined): Array<{ name: string; key: string | number | undefined }> {
  if (!moduleAddress) return [];
  return [...moduleAddress.matchAll(/module\.([^.[]+)(?:\[("(?:[^"\\]|\\.)*"|[0-9]+)\])?/g)].map((m) => ({ name: m[1] ?? '', key: m[2] === undefined ? undefined : keyOf(m[2]) }));
}

/** `module.a.module.b` -> ['a', 'b']. */
export function modulePath(moduleAddress: string | undefined): string[] {
  return moduleInstances(moduleAddress).map((m) => m.name);
}

/** ['a', 'b'] -> `module.a.module.b.`, the prefix of addresses in that module. */
export const modulePrefix = (path: string[]): string => path.map((m) => `module.${m}.`).join('');

/** An instance key as an address writes it: 0 -> `[0]`, 'eu' -> `["eu"]`. */
export const keySuffix = (key: string | number): string => (typeof key === 'number' ? `[${String(key)}]` : `[${JSON.stringify(key)}]`);

/** The instance key an address ends with (`aws_s3_bucket.b["x"]` -> 'x'), if any. */
export function instanceKey(address: string): string | number | undefined {
  const m = TRAILING_KEY.exec(address);
  return m ? keyOf(m[0].slice(1, -1)) : undefined;
}

/** The configuration of the module at `path` (module call names from the root). */
export function moduleAt(root: ConfigModule | undefined, path: string[]): ConfigModule | undefined {
  let mod = root;
  for (const name of path) mod = mod?.module_calls?.[name]?.module;
  return mod;
}

/**
 * The configuration side of a plan: each resource block's expressions, with references resolved to
 * resource addresses inside the same module (following module outputs one level at a time).
 */
export class PlanConfiguration {
  constructor(
    private readonly plan: Plan,
    /** The references of `local.<name>` in the module at `path`, read from its `.tf` sources (the plan has no locals). */
    private readonly localReferences: (path: string[], name: string) => string[] = () => [],
  ) {}

  /** The configuration block of a planned resource instance. */
  blockOf(rc: ResourceChange): ConfigResource | undefined {
    const mod = moduleAt(this.plan.configuration?.root_module, modulePath(rc.module_address));
    return mod?.resources?.find((r) => r.type === rc.type && r.name === rc.name && r.mode === rc.mode);
  }

  /** References of one attribute expression (e.g. `bucket` -> ["aws_s3_bucket.photos.id", "aws_s3_bucket.photos"]). */
  referencesOf(rc: ResourceChange, attribute: string): string[] {
    const expr = this.blockOf(rc)?.expressions?.[attribute] as Expression | undefined;
    return expr?.references ?? [];
  }

  /**
   * Resolves an attribute's references to the addresses of resource blocks (module instance keys left out),
   * in the module of `rc`, following `module.X.output` references into child modules, `var.X` out to
   * what the calling module passes in, and `local.X` through the module's `locals` blocks. A reference with a
   * literal instance key (`aws_s3_bucket.all["a"].id`) names that instance only: `aws_s3_bucket.all["a"]`.
   */
  resolveTargets(rc: ResourceChange, attribute: string): string[] {
    const path = modulePath(rc.module_address);
    const refs = this.referencesOf(rc, attribute);
    // `for_each = aws_s3_bucket.x` with `bucket = each.value.id`: the reference is to what for_each iterates.
    const over = refs.some((r) => r.startsWith('each.value')) ? (this.blockOf(rc)?.for_each_expression?.references ?? []) : [];
    // `for_each = module.buckets` with `bucket = each.value.id`: the output `id` of each instance of that module.
    const outputs = refs.flatMap((r) => (/^each\.value\.[^.[]+/.exec(r) ? [r.split('.')[2] ?? ''] : []));
    const iterated = over.flatMap((r) => (/^module\.[^.[]+$/.test(r) ? outputs.map((o) => `${r}.${o}`) : [r]));
    const targets = this.resolveRefs(path, [...refs.filter((r) => !r.startsWith('each.')), ...iterated]);
    // Terraform lists `aws_s3_bucket.all["a"]` and `aws_s3_bucket.all` for one reference: the keyed one decides.
    return targets.filter((t) => !targets.some((k) => k !== t && k.startsWith(`${t}[`)));
  }

  private resolveRefs(path: string[], refs: string[], depth = 0): string[] {
    const out = new Set<string>();
    // Terraform rejects cycles; a plan that has one anyway (hand-edited) ends here.
    if (depth > 32) return [];
    const prefix = modulePrefix(path);
    for (const ref of refs) {
      const [head = '', name, output] = ref.split('.');
      if (head === 'module' && name !== undefined && output !== undefined) {
        // module.<name>.<output>: follow the output's own references inside that module.
        const child = [...path, name];
        const mod = moduleAt(this.plan.configuration?.root_module, child);
        const outputRefs = mod?.outputs?.[output]?.expression?.references ?? [];
        for (const target of this.resolveRefs(child, outputRefs, depth + 1)) out.add(target);
        continue;
      }
      if (head === 'var' && name !== undefined && path.length) {
        // An input of this module (`bucket = var.bucket_id`): what the calling `module` block passes in, resolved there.
        const parent = path.slice(0, -1);
        const call = moduleAt(this.plan.configuration?.root_module, parent)?.module_calls?.[path[path.length - 1] ?? ''];
        const given = call?.expressions?.[name] as Expression | undefined;
        for (const target of this.resolveRefs(parent, given?.references ?? [], depth + 1)) out.add(target);
        continue;
      }
      if (head === 'local' && name !== undefined) {
        for (const target of this.resolveRefs(path, this.localReferences(path, name.replace(/\[.*$/, '')), depth + 1)) out.add(target);
        continue;
      }
      if (['data', 'var', 'local', 'each', 'count', 'path', 'self', 'terraform'].includes(head) || name === undefined) continue;
      const keyed = REFERENCE_KEY.exec(ref);
      out.add(`${prefix}${head}.${name.replace(/\[.*$/, '')}${keyed?.[1] ?? ''}`);
    }
    return [...out];
  }
}

/**
 * `module.m["eu"].aws_s3_bucket.b["x"]` -> `module.m.aws_s3_bucket.b`: the block, as the configuration names it,
 * without the instance keys of the resource or of the module instances it is in.
 */
export function blockAddress(rc: ResourceChange): string {
  return withoutKey(instanceAddress(rc));
}

const REFERENCE_KEY = new RegExp(`^[^.\\[]+\\.[^.\\[]+(${INSTANCE_KEY})?`);
const TRAILING_KEY = new RegExp(`${INSTANCE_KEY}$`);
const MODULE_KEYS = new RegExp(`(module\\.[^.[]+)${INSTANCE_KEY}`, 'g');

/** `aws_s3_bucket.b["x"]` -> `aws_s3_bucket.b`. */
export function withoutKey(address: string): string {
  return address.replace(TRAILING_KEY, '');
}

/** `module.m["eu"].aws_s3_bucket.b["x"]` -> `module.m.aws_s3_bucket.b["x"]`: the instance, module instance keys left out. */
export function instanceAddress(rc: ResourceChange): string {
  return rc.address.includes('module.') ? rc.address.replace(MODULE_KEYS, '$1') : rc.address;
}
