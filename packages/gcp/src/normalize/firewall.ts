import { fact, internetIngressFacts, type Fact, type IngressEntry, type Resource } from '@leakproof/core';

/** A VPC firewall rule as the Compute API returns it. */
export interface GcpFirewall {
  name: string;
  network?: string;
  direction?: string;
  disabled?: boolean;
  sourceRanges?: string[];
  allowed?: Array<{ IPProtocol?: string; ports?: string[] }>;
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

/**
 * Pure: an enabled INGRESS allow rule from public source ranges, judged on the shared database port
 * catalogue, with the target tags and service accounts it applies to.
 */
export function normalizeFirewall(f: GcpFirewall, project: string, unknown?: string): Resource {
  const direction = (f.direction ?? 'INGRESS').toUpperCase();
  const disabled = f.disabled === true;
  const entries: IngressEntry[] = [];
  if (direction === 'INGRESS' && !disabled) {
    for (const allow of f.allowed ?? []) {
      const protocol = (allow.IPProtocol ?? 'all').toLowerCase();
      for (const [from, to] of portRanges(allow.ports)) {
        for (const source of f.sourceRanges ?? []) {
          entries.push({ protocol, from, to, source, evidence: `firewall ${f.name} allows ${protocol}${protocol === 'all' ? '' : ` ${from === to ? from : `${from}-${to}`}`} from ${source}` });
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
