import type { Fact, Resource } from '@leakproof/core';

/** The subscription of an ARM resource id (`/subscriptions/S/resourceGroups/…`), or "unknown". */
export function subscriptionOf(id: string | undefined): string {
  return /\/subscriptions\/([^/]+)/i.exec(id ?? '')?.[1] ?? 'unknown';
}

/** The resource group of an ARM resource id (`…/resourceGroups/RG/…`), or "" when it has none. */
export function resourceGroupOf(id: string | undefined): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id ?? '')?.[1] ?? '';
}

/** The fields every ARM resource has that a leakproof resource is named and placed by. */
export interface ArmResourceFields {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
}

/**
 * An ARM resource as a leakproof resource: its id (a planned one has none yet, so it stands as
 * `terraform:NAME` until the plan reader names it), subscription, region, tags and facts.
 */
export function armResource(item: ArmResourceFields, kind: Resource['kind'], type: string, facts: Record<string, Fact>): Resource {
  const name = item.name ?? '?';
  return { id: item.id ?? `terraform:${name}`, kind, provider: 'azure', account: subscriptionOf(item.id), region: item.location ?? 'unknown', name, type, tags: item.tags ?? {}, facts };
}
