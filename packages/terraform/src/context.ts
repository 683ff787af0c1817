import { ConfigurationError, type CollectionNotice, type Resource, type SourceLocation } from '@leakproof/core';
import { blockAddress, instanceAddress, keySuffix, modulePath, modulePrefix, withoutKey, type PlanConfiguration } from './config.js';
import type { DataAttributeHook, PlanEvaluator } from './evaluate.js';
import { UNKNOWN, type Value } from './expression.js';
import { anyUnknown, planned, type ResourceChange } from './plan.js';

/** Where each provider's resources keep their tags or labels, preferred first. */
const TAG_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws: ['tags_all', 'tags'],
  google: ['effective_labels', 'labels'],
  azurerm: ['tags'],
};
const COMPUTED_TAG_ATTRIBUTES = new Set(['tags_all', 'effective_labels']);

/** With count/for_each, of several candidate instances the one with `rc`'s instance key; all of them when none has it. */
function sameInstance(rc: ResourceChange, candidates: ResourceChange[]): ResourceChange[] {
  if (candidates.length <= 1) return candidates;
  // A reference inside a module instance (`module.a["eu"]`) names blocks of that same instance, or of modules it calls.
  const mine = rc.module_address;
  const inInstance = mine === undefined ? candidates : candidates.filter((c) => c.module_address === mine || c.module_address?.startsWith(`${mine}.`));
  const within = inInstance.length ? inInstance : candidates;
  if (within.length <= 1) return within;
  const key = /\[[^\]]*\]$/.exec(rc.address)?.[0];
  // The key may be the resource's own or, for a parent inside a module instance (`for_each = module.buckets`), its module's.
  const sameKey = within.filter((c) => key !== undefined && (c.address.endsWith(key) || (c.module_address?.endsWith(key) ?? false)));
  return sameKey.length ? sameKey : within;
}

/** The data block a reference names: `data.T.x[0].json` -> `data.T.x`. */
const dataBlockOf = (ref: string): string => ref.split('.').slice(0, 3).join('.').replace(/\[.*$/, '');

/** What a provider's plan normalizer works with. */
export class PlanContext {
  /** Resource changes that survive the plan (deletes removed), by type. */
  readonly byType = new Map<string, ResourceChange[]>();
  readonly handled = new Set<ResourceChange>();

  constructor(
    changes: ResourceChange[],
    readonly config: PlanConfiguration,
    private readonly locator: (rc: ResourceChange) => SourceLocation | undefined,
    readonly notices: CollectionNotice[],
    private readonly dataReads: ResourceChange[] = [],
    private readonly blockTexts: (rc: ResourceChange) => string | undefined = () => undefined,
    /** Where `rc` is in the plan file, as `plan.json#/resource_changes/3`, for errors. */
    private readonly pointerOf: (rc: ResourceChange) => string = (rc) => rc.address,
    private readonly evaluator?: PlanEvaluator,
  ) {
    for (const [i, rc] of changes.entries()) {
      const list = this.byType.get(rc.type) ?? [];
      list.push(rc);
      this.byType.set(rc.type, list);
      const block = blockAddress(rc);
      this.byBlock.set(block, [...(this.byBlock.get(block) ?? []), rc]);
      this.order.set(rc, i);
    }
  }

  /** Resource changes by block address (module instance keys and instance key left out), for joins. */
  private readonly byBlock = new Map<string, ResourceChange[]>();
  private readonly order = new Map<ResourceChange, number>();

  of(type: string): ResourceChange[] {
    const list = this.byType.get(type) ?? [];
    for (const rc of list) this.handled.add(rc);
    return list;
  }

  /** The `.tf` text of `rc`'s block, from its first line, when its module's sources are at hand. */
  blockText(rc: ResourceChange): string | undefined {
    return this.blockTexts(rc);
  }

  /**
   * The value an attribute known only after apply will have, evaluated from its module's `.tf` sources (see
   * PlanEvaluator): parts still unknown are UNKNOWN or, inside strings, AFTER_APPLY.
   */
  evaluate(rc: ResourceChange, attribute: string, hook?: DataAttributeHook): Value {
    return this.evaluator ? this.evaluator.attribute(rc, attribute, hook) : UNKNOWN;
  }

  source(rc: ResourceChange | undefined): SourceLocation | undefined {
    return rc ? this.locator(rc) : undefined;
  }

  /**
   * Ties a normalized resource to the block it came from: its Terraform address (always known from the
   * plan, even for registry modules whose `.tf` files are absent) and, when found, its source line.
   */
  place(rc: ResourceChange, resource: Resource): void {
    resource.address = rc.address;
    const source = this.locator(rc);
    if (source) resource.source = source;
    const tags = this.tags(rc);
    if (tags.unknown !== undefined) resource.tagsUnknown = tags.unknown;
  }

  /**
   * The tags (AWS, Azure) or labels (GCP) a planned resource will carry, as the live collector would
   * read them: AWS `tags_all` and Google `effective_labels` include the provider's default tags, so they
   * are preferred when the plan has them. `unknown` says why some are known only after apply; the
   * resource's data classification is then unknown unless a known tag already says PHI.
   */
  tags(rc: ResourceChange): { tags: Record<string, string>; unknown?: string } {
    const after = rc.change.after;
    for (const attribute of TAG_ATTRIBUTES[rc.type.split('_')[0] ?? ''] ?? []) {
      const present = (after !== null && typeof after === 'object' && attribute in after) || anyUnknown(rc, attribute);
      if (!present) continue;
      const value = this.value<Record<string, unknown>>(rc, attribute) ?? {};
      const tags = Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
      // A computed attribute (tags_all, effective_labels) is never in the configuration: unknown is unknown.
      const configurable = !COMPUTED_TAG_ATTRIBUTES.has(attribute);
      if (anyUnknown(rc, attribute) && !(configurable && this.isUnset(rc, attribute))) return { tags, unknown: this.unknownReason(rc, attribute) };
      return { tags };
    }
    return { tags: {} };
  }

  /** A value planned for `rc`, or undefined when it is absent. Unknown values are reported by `unknownReason`. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- plan JSON is untyped; the caller names the type the provider's schema documents for the attribute
  value<T>(rc: ResourceChange, ...path: Array<string | number>): T | undefined {
    const p = planned<T>(rc, ...path);
    return p.known ? (p.value ?? undefined) : undefined;
  }

  /** A string attribute; a value of another type is a plan that does not match its provider's schema. */
  text(rc: ResourceChange, ...path: Array<string | number>): string | undefined {
    return this.typed(rc, path, 'a string', (v): v is string => typeof v === 'string');
  }

  /** A boolean attribute (see `text`). */
  flag(rc: ResourceChange, ...path: Array<string | number>): boolean | undefined {
    return this.typed(rc, path, 'true or false', (v): v is boolean => typeof v === 'boolean');
  }

  /** A number attribute (see `text`). */
  count(rc: ResourceChange, ...path: Array<string | number>): number | undefined {
    return this.typed(rc, path, 'a number', (v): v is number => typeof v === 'number');
  }

  /**
   * A list of strings (see `text`). An element known only after apply is the null Terraform writes
   * for it: callers count it, so that an unknown element is never taken for an absent one.
   */
  texts(rc: ResourceChange, ...path: Array<string | number>): Array<string | null> | undefined {
    return this.typed(rc, path, 'a list of strings', (v): v is Array<string | null> => Array.isArray(v) && v.every((e) => e === null || typeof e === 'string'));
  }

  /** The strings of a list (see `texts`) without the elements known only after apply; `hasPendingElement` says whether there were any. */
  knownTexts(rc: ResourceChange, ...path: Array<string | number>): string[] {
    return (this.texts(rc, ...path) ?? []).filter((e): e is string => e !== null);
  }

  /** Whether a list of strings (see `texts`) has an element known only after apply. */
  hasPendingElement(rc: ResourceChange, ...path: Array<string | number>): boolean {
    return this.texts(rc, ...path)?.includes(null) === true;
  }

  /** A list (see `text`), whatever its elements. */
  list(rc: ResourceChange, ...path: Array<string | number>): unknown[] | undefined {
    return this.typed(rc, path, 'a list', (v): v is unknown[] => Array.isArray(v));
  }

  /**
   * Nested blocks: in plan JSON, a list of objects (see `text`). The fields inside are read as the
   * provider's schema documents them.
   */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the block's fields as the provider's schema documents them
  blocks<T extends object>(rc: ResourceChange, ...path: Array<string | number>): T[] | undefined {
    return this.typed(rc, path, 'a list of blocks', (v): v is T[] => Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)));
  }

  /** The first of nested blocks that Terraform allows once (`max_items = 1`), e.g. `versioning { … }`. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as for `blocks`
  block<T extends object>(rc: ResourceChange, ...path: Array<string | number>): T | undefined {
    return this.blocks<T>(rc, ...path)?.[0];
  }

  private typed<T>(rc: ResourceChange, path: Array<string | number>, expected: string, is: (v: unknown) => v is T): T | undefined {
    const v = this.value<unknown>(rc, ...path);
    if (v === undefined || v === null) return undefined;
    if (is(v)) return v;
    const found = Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
    throw this.invalid(rc, path, `expected ${expected} for ${rc.address}.${path.join('.')}, found ${found}`);
  }

  /** The one-line error for a planned value that its provider's schema does not allow, pointing at it in the plan file. */
  invalid(rc: ResourceChange, path: Array<string | number>, what: string): ConfigurationError {
    return new ConfigurationError(
      'LP_PLAN_INVALID',
      `${this.pointerOf(rc)}/change/after/${path.join('/')}: ${what} (the plan does not match the ${rc.type.split('_')[0] ?? ''} provider's schema; use the unedited output of "terraform show -json")`,
    );
  }

  isUnknown(rc: ResourceChange, ...path: Array<string | number>): boolean {
    return !planned(rc, ...path).known;
  }

  /**
   * Whether an attribute (a path through nested blocks) is absent from the configuration block, so a value "known
   * after apply" is only the provider's computed default (an `aws_s3_bucket` without `policy`, an
   * `aws_security_group` without inline `ingress`), not a configured value that Terraform cannot know
   * yet. Without the configuration in the plan, nothing is taken as unset.
   */
  isUnset(rc: ResourceChange, ...path: Array<string | number>): boolean {
    const block = this.config.blockOf(rc);
    if (!block) return false;
    // Nested blocks appear in the configuration as arrays of expression maps: settings[0].ip_configuration.
    let at: unknown = block.expressions ?? {};
    for (const step of path) {
      if (at === null || typeof at !== 'object') return false;
      if (!Array.isArray(at) && 'dynamic' in at) return false;
      const next: unknown = Array.isArray(at) ? at[typeof step === 'number' ? step : 0] : (at as Record<string, unknown>)[String(step)];
      if (next === undefined) return true;
      at = next;
    }
    return false;
  }

  /** Known only after apply, from a configured value: what makes facts unknown. */
  isPending(rc: ResourceChange, ...path: Array<string | number>): boolean {
    return this.isUnknown(rc, ...path) && !this.isUnset(rc, ...path);
  }

  unknownReason(rc: ResourceChange, attribute: string): string {
    return `${rc.address}.${attribute} is known only after apply`;
  }

  /**
   * The planned resources of `parentTypes` that `rc`'s `attribute` refers to, through the configuration
   * references (never by name). With count/for_each, the instance with the same key is chosen.
   */
  joinTo(rc: ResourceChange, attribute: string, parentTypes: string[]): ResourceChange[] {
    const targets = new Set(this.config.resolveTargets(rc, attribute));
    // An index the plan does not show (`aws_s3_bucket.all[each.value.bucket]`), evaluated from the sources: that instance only.
    const prefix = modulePrefix(modulePath(rc.module_address));
    for (const [block, key] of this.evaluator?.indexedInstances(rc, attribute) ?? []) {
      if (targets.delete(`${prefix}${block}`)) targets.add(`${prefix}${block}${keySuffix(key)}`);
    }
    const found = new Set<ResourceChange>();
    for (const t of targets) {
      const block = withoutKey(t);
      for (const p of this.byBlock.get(block) ?? []) if (parentTypes.includes(p.type) && (block === t || instanceAddress(p) === t)) found.add(p);
    }
    return sameInstance(rc, [...found].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0)));
  }

  /**
   * The parents a split resource configures: through the configuration references (joinTo) or else, when the
   * attribute's value is known, the parent whose own globally unique identifier (`identity`: an S3 bucket's or a
   * Cloud Storage bucket's name) is that value. When it cannot say which parent, `candidates` are the ones it may
   * configure and `why` says why (after "its"): the value is known only after apply and no reference leads to a
   * parent (every parent the plan creates), or the reference names several instances and no key decides.
   */
  splitParents(rc: ResourceChange, attribute: string, parentTypes: string[], identity: string | undefined): { targets: ResourceChange[]; candidates: ResourceChange[]; why: string } {
    const parents = (): ResourceChange[] => parentTypes.flatMap((t) => this.byType.get(t) ?? []);
    const joined = this.joinTo(rc, attribute, parentTypes);
    // One attribute names one parent: several left after matching instance keys means the plan does not say which.
    if (joined.length > 1) return { targets: [], candidates: joined, why: `"${attribute}" refers to ${String(joined.length)} instances (${joined.map((j) => j.address).join(', ')}) and the plan does not say which` };
    if (joined.length) return { targets: joined, candidates: [], why: '' };
    if (!this.isPending(rc, attribute)) {
      const value = this.text(rc, attribute);
      return { targets: value === undefined || identity === undefined ? [] : parents().filter((p) => this.text(p, identity) === value), candidates: [], why: '' };
    }
    return { targets: [], candidates: parents().filter((p) => p.change.actions.includes('create')), why: `"${attribute}" is known only after apply and its reference could not be followed` };
  }

  /**
   * The data source of `type` that `rc`'s `attribute` refers to (`policy = data.aws_iam_policy_document.x.json`),
   * when Terraform reads it only at apply and so lists it in resource_changes; in the same module instance.
   */
  dataSourceOf(rc: ResourceChange, attribute: string, type: string): ResourceChange | undefined {
    const ref = this.config.referencesOf(rc, attribute).find((r) => r.startsWith(`data.${type}.`));
    return ref ? this.dataReadOf(rc, ref) : undefined;
  }

  /**
   * Every data source of `type` that `rc`'s `attribute` refers to and that Terraform reads only at apply
   * (`source_policy_documents = [data.aws_iam_policy_document.a.json, …]`), and whether the expression refers to
   * nothing else: a variable, local or resource could itself be known only after apply.
   */
  dataSourcesOf(rc: ResourceChange, attribute: string, type: string): { reads: ResourceChange[]; onlyThese: boolean } {
    const refs = this.config.referencesOf(rc, attribute);
    const blocks = [...new Set(refs.filter((r) => r.startsWith(`data.${type}.`)).map(dataBlockOf))];
    const reads = blocks.flatMap((b) => this.dataReadOf(rc, b) ?? []);
    return { reads, onlyThese: refs.every((r) => r.startsWith(`data.${type}.`) || r === 'count.index') };
  }

  /** The data read at apply that a reference names (`data.T.x.json`), in `rc`'s module instance. */
  private dataReadOf(rc: ResourceChange, ref: string): ResourceChange | undefined {
    const address = `${rc.module_address ? `${rc.module_address}.` : ''}${dataBlockOf(ref)}`;
    const matched = sameInstance(rc, this.dataReads.filter((d) => d.address === address || d.address.startsWith(`${address}[`)));
    return matched.length === 1 ? matched[0] : undefined;
  }

  note(message: string, rc?: ResourceChange): void {
    this.notices.push({ level: 'note', message: rc ? `${rc.address}: ${message}` : message });
  }
}

/** Sets each fact's declaring block from the first piece of its evidence that a split resource explains. */
export function attributeFactSources(resource: Resource, rules: Array<{ evidence: RegExp; source: SourceLocation | undefined }>): void {
  const sources: Record<string, SourceLocation> = {};
  for (const [name, fact] of Object.entries(resource.facts)) {
    for (const e of fact.evidence ?? []) {
      const hit = rules.find((r) => r.source && r.evidence.test(e));
      if (hit?.source) {
        sources[name] = hit.source;
        break;
      }
    }
  }
  if (Object.keys(sources).length) resource.factSources = sources;
}
