import { fact, internetIngressFacts, judgeSourceRange, subtractDenied, type DenyEntry, type Fact, type IngressEntry, type Resource } from '@leakproof/core';
import { armResource } from './arm.js';

/** A security rule of a network security group as ARM returns it (the fields leakproof reads). */
export interface AzureSecurityRule {
  name?: string;
  direction?: string;
  access?: string;
  /** 100-4096 for custom rules, 65000+ for the default rules; lower numbers are evaluated first. */
  priority?: number;
  protocol?: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/** A network security group as ARM returns it (the fields leakproof reads). */
export interface AzureNsg {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  securityRules?: AzureSecurityRule[];
  /** The six default rules (AllowVnetInBound, AllowAzureLoadBalancerInBound, DenyAllInBound, and the outbound three). */
  defaultSecurityRules?: AzureSecurityRule[];
  subnets?: Array<{ id?: string }>;
  networkInterfaces?: Array<{ id?: string }>;
}

/** Service tags and wildcards that mean every address. */
const INTERNET = new Set(['*', 'internet', 'any', '0.0.0.0/0', '::/0']);

function sourcesOf(rule: AzureSecurityRule): string[] {
  return [rule.sourceAddressPrefix, ...(rule.sourceAddressPrefixes ?? [])].filter((s): s is string => !!s);
}

function portsOf(rule: AzureSecurityRule): Array<[string, number, number]> {
  const ports = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((p): p is string => !!p);
  return (ports.length ? ports : ['*']).map((p) => {
    if (p === '*') return [p, 0, 65535];
    const [from = 0, to = from] = p.split('-').map(Number);
    return [p, from, to];
  });
}

/** A rule's inbound Deny entries: `*`, `Internet` and `Any` deny every source. */
function denyEntries(rule: AzureSecurityRule): DenyEntry[] {
  if ((rule.direction ?? '').toLowerCase() !== 'inbound' || (rule.access ?? '').toLowerCase() !== 'deny') return [];
  const protocol = (rule.protocol ?? '*').toLowerCase();
  const out: DenyEntry[] = [];
  for (const s of sourcesOf(rule)) {
    const source = INTERNET.has(s.toLowerCase()) && s !== '0.0.0.0/0' && s !== '::/0' ? '*' : s;
    for (const [, from, to] of portsOf(rule)) out.push({ protocol: protocol === '*' ? 'all' : protocol, from, to, source, evidence: `deny rule ${rule.name ?? '?'} (priority ${rule.priority ?? '?'})` });
  }
  return out;
}

/**
 * The inbound entries an NSG really admits, as Azure evaluates it: rules in priority order (lowest number
 * first, the default rules included), the first rule matching a source, port and protocol decides. So each
 * Allow is reduced by the Deny rules before it, wholly or in part.
 */
export function nsgEffectiveEntries(nsg: AzureNsg): IngressEntry[] {
  const name = nsg.name ?? '?';
  const rules = [...(nsg.securityRules ?? []), ...(nsg.defaultSecurityRules ?? [])]
    .filter((r) => (r.direction ?? '').toLowerCase() === 'inbound')
    .sort((a, b) => (a.priority ?? 4096) - (b.priority ?? 4096));
  const out: IngressEntry[] = [];
  const denies: DenyEntry[] = [];
  for (const rule of rules) {
    if ((rule.access ?? '').toLowerCase() === 'deny') {
      denies.push(...denyEntries(rule));
      continue;
    }
    for (const entry of nsgRuleEntries(rule, name)) out.push(...subtractDenied(entry, denies));
  }
  return out;
}

/** Inbound Allow entries of one rule; "*" protocols count as tcp and udp on the listed ports, or all traffic on "*". */
export function nsgRuleEntries(rule: AzureSecurityRule, nsgName: string): IngressEntry[] {
  if ((rule.direction ?? '').toLowerCase() !== 'inbound' || (rule.access ?? '').toLowerCase() !== 'allow') return [];
  const protocol = (rule.protocol ?? '*').toLowerCase();
  const out: IngressEntry[] = [];
  for (const s of sourcesOf(rule)) {
    const source = INTERNET.has(s.toLowerCase()) && s !== '::/0' ? '0.0.0.0/0' : s;
    for (const [p, from, to] of portsOf(rule)) {
      const evidence = `NSG ${nsgName} rule ${rule.name ?? '?'}${rule.priority !== undefined ? ` (priority ${rule.priority})` : ''} allows ${protocol} ${p} from ${s}`;
      if (protocol === '*' && p === '*') out.push({ protocol: 'all', from: 0, to: 65535, source, evidence });
      else for (const proto of protocol === '*' ? ['tcp', 'udp'] : [protocol]) out.push({ protocol: proto, from, to, source, evidence });
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
  const facts: Record<string, Fact> = { direction: fact('ingress', 'inbound security rules'), enabled: fact(true, 'NSG rules are always in force') };
  if (unknown) for (const f of ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic']) facts[f] = { unknown };
  else Object.assign(facts, internetIngressFacts(nsgEffectiveEntries(nsg)));
  const guards = [...(nsg.subnets ?? []).map((s) => `subnet ${s.id?.split('/').slice(-3).join('/') ?? '?'}`), ...(nsg.networkInterfaces ?? []).map((n) => `NIC ${n.id?.split('/').pop() ?? '?'}`)];
  facts.appliesTo = fact(guards, guards.length ? `guards ${guards.join(', ')}` : 'not associated with a subnet or NIC');
  if (guards.length) facts.inUse = fact(true, `associated with ${guards.length} subnet(s)/NIC(s)`);
  return armResource(nsg, 'network-firewall', 'Microsoft.Network/networkSecurityGroups', facts);
}
