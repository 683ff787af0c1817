import { fact, internetIngressFacts, subtractDenied, type DenyEntry, type Fact, type IngressEntry, type Resource } from '@leakproof/core';

/** A VPC firewall rule as the Compute API returns it. */
export interface GcpFirewall {
  name: string;
  network?: string;
  direction?: string;
  /** 0-65535, default 1000; lower numbers take precedence, and a deny wins a tie. */
  priority?: number;
  disabled?: boolean;
  sourceRanges?: string[];
  allowed?: Array<{ IPProtocol?: string; ports?: string[] }>;
  denied?: Array<{ IPProtocol?: string; ports?: string[] }>;
  targetTags?: string[];
  targetServiceAccounts?: string[];
}

function portRanges(ports: string[] | undefined): Array<[number, number]> {
  if (!ports || ports.length === 0) return [[0, 65535]];
  return ports.map((p) => {
    const [a, b] = p.split('-').map(Number);
    return [a ?? 0, b ?? a ?? 0] as [number, number];
  });
}

const priorityOf = (f: GcpFirewall): number => f.priority ?? 1000;

/**
 * Whether a deny rule applies to every instance the allow rule applies to: a deny without targets applies
 * to the whole network; otherwise each of the allow's target tags (or service accounts) must be the deny's.
 */
function targetsCovered(deny: GcpFirewall, allow: GcpFirewall): boolean {
  const denyTags = deny.targetTags ?? [];
  const denyAccounts = deny.targetServiceAccounts ?? [];
  if (!denyTags.length && !denyAccounts.length) return true;
  const allowTags = allow.targetTags ?? [];
  const allowAccounts = allow.targetServiceAccounts ?? [];
  if (allowTags.length) return allowTags.every((t) => denyTags.includes(t));
  if (allowAccounts.length) return allowAccounts.every((a) => denyAccounts.includes(a));
  return false;
}

/**
 * The enabled INGRESS deny rules of a project's rules, by network, computed once per list: judging
 * each rule against every other one would be quadratic in a project's rules.
 */
const denyRulesByNetwork = new WeakMap<readonly GcpFirewall[], Map<string, GcpFirewall[]>>();

function denyRulesOf(rules: readonly GcpFirewall[]): Map<string, GcpFirewall[]> {
  let byNetwork = denyRulesByNetwork.get(rules);
  if (!byNetwork) {
    byNetwork = new Map();
    for (const d of rules) {
      if (!d.denied?.length || d.disabled === true || (d.direction ?? 'INGRESS').toUpperCase() !== 'INGRESS') continue;
      const list = byNetwork.get(d.network ?? '') ?? [];
      list.push(d);
      byNetwork.set(d.network ?? '', list);
    }
    denyRulesByNetwork.set(rules, byNetwork);
  }
  return byNetwork;
}

/** The deny entries of the network's rules that take precedence over `allow` for all of its targets. */
function shadowingDenies(allow: GcpFirewall, network: readonly GcpFirewall[]): DenyEntry[] {
  const out: DenyEntry[] = [];
  for (const d of denyRulesOf(network).get(allow.network ?? '') ?? []) {
    if (d === allow || priorityOf(d) > priorityOf(allow) || !targetsCovered(d, allow)) continue;
    for (const deny of d.denied ?? []) {
      const protocol = (deny.IPProtocol ?? 'all').toLowerCase();
      for (const [from, to] of portRanges(deny.ports)) for (const source of d.sourceRanges ?? []) out.push({ protocol, from, to, source, evidence: `deny rule ${d.name} (priority ${priorityOf(d)})` });
    }
  }
  return out;
}

/**
 * Pure: an enabled INGRESS allow rule from public source ranges, judged on the shared database port
 * catalogue, with the target tags and service accounts it applies to. `network` is every rule of the
 * project: DENY rules on the same network that take precedence (a lower or equal priority number) for all
 * of its targets shadow it, wholly or in part. Disabled and EGRESS rules never open anything.
 */
export function normalizeFirewall(f: GcpFirewall, project: string, unknown?: string, network: readonly GcpFirewall[] = []): Resource {
  const direction = (f.direction ?? 'INGRESS').toUpperCase();
  const disabled = f.disabled === true;
  const entries: IngressEntry[] = [];
  const denies = shadowingDenies(f, network);
  if (direction === 'INGRESS' && !disabled) {
    for (const allow of f.allowed ?? []) {
      const protocol = (allow.IPProtocol ?? 'all').toLowerCase();
      for (const [from, to] of portRanges(allow.ports)) {
        for (const source of f.sourceRanges ?? []) {
          entries.push(...subtractDenied({ protocol, from, to, source, evidence: `firewall ${f.name} (priority ${priorityOf(f)}) allows ${protocol}${protocol === 'all' ? '' : ` ${from === to ? from : `${from}-${to}`}`} from ${source}` }, denies));
        }
      }
    }
  }
  const facts: Record<string, Fact> = {
    direction: fact(direction === 'EGRESS' ? 'egress' : 'ingress', `direction=${direction}`),
    enabled: fact(!disabled, `disabled=${disabled}`),
  };
  if (unknown) for (const name of ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic']) facts[name] = { unknown };
  else Object.assign(facts, internetIngressFacts(entries));
  const targets = [...(f.targetTags ?? []).map((t) => `tag:${t}`), ...(f.targetServiceAccounts ?? []).map((a) => `serviceAccount:${a}`)];
  facts.appliesTo = targets.length ? fact(targets, 'targetTags / targetServiceAccounts') : fact(['every instance in the network'], 'no target tags or service accounts: applies to every instance in the network');
  return {
    id: `//compute.googleapis.com/projects/${project}/global/firewalls/${f.name}`,
    kind: 'network-firewall',
    provider: 'gcp',
    account: project,
    region: 'global',
    name: f.name,
    type: 'compute.googleapis.com/Firewall',
    tags: {},
    facts,
  };
}
