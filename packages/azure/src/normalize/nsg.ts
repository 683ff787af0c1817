import { fact, internetIngressFacts, judgeSourceRange, type Fact, type IngressEntry, type Resource } from '@leakproof/core';

export interface AzureSecurityRule {
  name?: string;
  direction?: string;
  access?: string;
  protocol?: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

export interface AzureNsg {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  securityRules?: AzureSecurityRule[];
  subnets?: Array<{ id?: string }>;
  networkInterfaces?: Array<{ id?: string }>;
}

/** Service tags and wildcards that mean every address. */
const INTERNET = new Set(['*', 'internet', 'any', '0.0.0.0/0']);

/** Inbound Allow entries of one rule; "*" protocols count as tcp and udp on the listed ports, or all traffic on "*". */
export function nsgRuleEntries(rule: AzureSecurityRule, nsgName: string): IngressEntry[] {
  if ((rule.direction ?? '').toLowerCase() !== 'inbound' || (rule.access ?? '').toLowerCase() !== 'allow') return [];
  const protocol = (rule.protocol ?? '*').toLowerCase();
  const sources = [rule.sourceAddressPrefix, ...(rule.sourceAddressPrefixes ?? [])].filter((s): s is string => !!s);
  const ports = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((p): p is string => !!p);
  const out: IngressEntry[] = [];
  for (const s of sources) {
    const source = INTERNET.has(s.toLowerCase()) ? '0.0.0.0/0' : s;
    for (const p of ports.length ? ports : ['*']) {
      const [from, to] = p === '*' ? [0, 65535] : (p.split('-').map(Number) as [number, number?]);
      const evidence = `NSG ${nsgName} rule ${rule.name ?? '?'} allows ${protocol} ${p} from ${s}`;
      if (protocol === '*' && p === '*') out.push({ protocol: 'all', from: 0, to: 65535, source, evidence });
      else for (const proto of protocol === '*' ? ['tcp', 'udp'] : [protocol]) out.push({ protocol: proto, from: from ?? 0, to: to ?? from ?? 0, source, evidence });
    }
  }
  return out;
}

/** Whether a rule admits any internet source, for anchoring findings to the rule that caused them. */
export function nsgRuleIsOpen(rule: AzureSecurityRule): boolean {
  return nsgRuleEntries(rule, '').some((e) => judgeSourceRange(e.source).internet);
}

/** Pure: an NSG to a network-firewall resource, with the subnets and NICs it guards. */
export function normalizeNsg(nsg: AzureNsg, unknown?: string): Resource {
  const name = nsg.name ?? '?';
  const facts: Record<string, Fact> = { direction: fact('ingress', 'inbound security rules'), enabled: fact(true, 'NSG rules are always in force') };
  if (unknown) for (const f of ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressAllTraffic']) facts[f] = { unknown };
  else Object.assign(facts, internetIngressFacts((nsg.securityRules ?? []).flatMap((r) => nsgRuleEntries(r, name))));
  const guards = [...(nsg.subnets ?? []).map((s) => `subnet ${s.id?.split('/').slice(-3).join('/') ?? '?'}`), ...(nsg.networkInterfaces ?? []).map((n) => `NIC ${n.id?.split('/').pop() ?? '?'}`)];
  facts.appliesTo = fact(guards, guards.length ? `guards ${guards.join(', ')}` : 'not associated with a subnet or NIC');
  if (guards.length) facts.inUse = fact(true, `associated with ${guards.length} subnet(s)/NIC(s)`);
  return {
    id: nsg.id ?? `terraform:${name}`,
    kind: 'network-firewall',
    provider: 'azure',
    account: /\/subscriptions\/([^/]+)/i.exec(nsg.id ?? '')?.[1] ?? 'unknown',
    region: nsg.location ?? 'unknown',
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    tags: nsg.tags ?? {},
    facts,
  };
}
