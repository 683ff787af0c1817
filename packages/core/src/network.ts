import ipaddr from 'ipaddr.js';

/** A named database service and the ports it listens on. */
export interface DatabaseService {
  name: string;
  protocol: 'tcp' | 'udp';
  from: number;
  to: number;
}

/**
 * Database ports every collector uses to name what a firewall rule exposes. Shared so that AWS,
 * GCP and Azure findings say the same thing about the same port.
 */
export const DATABASE_PORTS: readonly DatabaseService[] = [
  { name: 'MySQL/MariaDB', protocol: 'tcp', from: 3306, to: 3306 },
  { name: 'PostgreSQL', protocol: 'tcp', from: 5432, to: 5432 },
  { name: 'SQL Server', protocol: 'tcp', from: 1433, to: 1433 },
  { name: 'SQL Server Browser', protocol: 'udp', from: 1434, to: 1434 },
  { name: 'Oracle', protocol: 'tcp', from: 1521, to: 1521 },
  { name: 'Oracle', protocol: 'tcp', from: 2483, to: 2484 },
  { name: 'MongoDB', protocol: 'tcp', from: 27017, to: 27019 },
  { name: 'Redis', protocol: 'tcp', from: 6379, to: 6379 },
  { name: 'Elasticsearch/OpenSearch', protocol: 'tcp', from: 9200, to: 9200 },
  { name: 'Elasticsearch/OpenSearch transport', protocol: 'tcp', from: 9300, to: 9300 },
  { name: 'Cassandra', protocol: 'tcp', from: 9042, to: 9042 },
  { name: 'CouchDB', protocol: 'tcp', from: 5984, to: 5984 },
  { name: 'Memcached', protocol: 'tcp', from: 11211, to: 11211 },
  { name: 'Memcached', protocol: 'udp', from: 11211, to: 11211 },
];

/**
 * A protocol name as the providers write it, lower-cased: usually `tcp`, `udp`, `icmp` or `all`
 * (every protocol: AWS -1, GCP "all", Azure "*"), but any IANA name or number may appear.
 */
export type Protocol = string;

/**
 * Database services a rule admitting `protocol` on ports from..to reaches, e.g. `PostgreSQL 5432/tcp`. A port
 * counts only on the protocol its service listens on, and only TCP services count here: a broad UDP range
 * (WebRTC media, game servers) exposes no database. UDP services are named by `udpServicesTargeted`.
 */
export function databaseServicesIn(protocol: Protocol, from: number, to: number): string[] {
  const p = protocol.toLowerCase();
  const out: string[] = [];
  for (const svc of DATABASE_PORTS) {
    if (svc.protocol !== 'tcp' || (p !== 'all' && p !== svc.protocol)) continue;
    if (from > svc.to || to < svc.from) continue;
    const ports = svc.from === svc.to ? `${svc.from}` : `${Math.max(from, svc.from)}-${Math.min(to, svc.to)}`;
    const label = `${svc.name} ${ports}/${svc.protocol}`;
    if (!out.includes(label)) out.push(label);
  }
  return out;
}

/**
 * UDP database services (SQL Server Browser, Memcached) a rule targets specifically: its whole port range
 * lies within the service's ports, e.g. `udp 1434`. A broad range that merely includes the port does not count.
 */
export function udpServicesTargeted(protocol: Protocol, from: number, to: number): string[] {
  const p = protocol.toLowerCase();
  if (p !== 'udp' && p !== 'all') return [];
  return DATABASE_PORTS.filter((svc) => svc.protocol === 'udp' && from >= svc.from && to <= svc.to).map((svc) => `${svc.name} ${svc.from === svc.to ? svc.from : `${svc.from}-${svc.to}`}/udp`);
}

/** Thresholds for "broad": a public range at least this large counts as the internet. */
export const BROAD_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** Whether a source range counts as the internet, and why. */
export type SourceExposure =
  | { internet: true; reason: string }
  | { internet: false; reason: string };

const NON_PUBLIC = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'carrierGradeNat', 'reserved', 'unspecified', 'multicast', 'broadcast']);

/**
 * Judges a source CIDR: the whole internet (0.0.0.0/0, ::/0), a broad public range (any public
 * block of /8 or wider for IPv4, /32 or wider for IPv6, e.g. 0.0.0.0/1), or not. Private and reserved
 * ranges never count; a narrow public range (an office's /29) is a deliberate allow-list.
 * A bare address counts as /32 (or /128).
 */
export function judgeSourceRange(cidr: string): SourceExposure {
  // Estates repeat a handful of ranges (0.0.0.0/0, the VPC's own) over thousands of rules.
  const known = judged.get(cidr);
  if (known) return known;
  const verdict = judgeUncached(cidr);
  if (judged.size >= JUDGED_MAX) judged.clear();
  judged.set(cidr, verdict);
  return verdict;
}

const JUDGED_MAX = 10_000;
const judged = new Map<string, SourceExposure>();

function judgeUncached(cidr: string): SourceExposure {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (cidr.includes('/')) [addr, prefix] = ipaddr.parseCIDR(cidr.trim());
    else {
      addr = ipaddr.parse(cidr.trim());
      prefix = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return { internet: false, reason: `"${cidr}" is not an IP range` };
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return judgeUncached(`${(addr as ipaddr.IPv6).toIPv4Address().toString()}/${prefix - 96}`);
  }
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const network = networkAddress(addr, prefix);
  if (prefix === 0) return { internet: true, reason: `${cidr} is every ${addr.kind() === 'ipv4' ? 'IPv4' : 'IPv6'} address` };
  const threshold = addr.kind() === 'ipv4' ? BROAD_PREFIX.ipv4 : BROAD_PREFIX.ipv6;
  // A block wholly inside private or reserved space is not the internet, however large.
  const last = lastAddress(network, prefix);
  const firstRange = network.range();
  const lastRange = last.range();
  if (NON_PUBLIC.has(firstRange) && firstRange === lastRange && sameBlock(network, last, firstRange)) {
    return { internet: false, reason: `${cidr} is ${firstRange} address space` };
  }
  if (prefix <= threshold) return { internet: true, reason: `${cidr} is a broad public range (/${prefix}, ${describeSize(bits - prefix)} addresses)` };
  return { internet: false, reason: `${cidr} is a narrow range (/${prefix})` };
}

function networkAddress(addr: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = addr.toByteArray().map((byte, i) => byte & prefixMask(prefix, i));
  return ipaddr.fromByteArray(bytes);
}

function lastAddress(network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = network.toByteArray().map((byte, i) => byte | (~prefixMask(prefix, i) & 0xff));
  return ipaddr.fromByteArray(bytes);
}

/** The bits of byte `index` that a /prefix network fixes. */
function prefixMask(prefix: number, index: number): number {
  const keep = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - keep)) & 0xff;
}

/** True when both ends fall in one of ipaddr.js's named blocks for that range name. */
function sameBlock(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6, range: string): boolean {
  // ipaddr.js keeps its named blocks on the prototype; its typings do not declare them.
  const proto = (a.kind() === 'ipv4' ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as {
    SpecialRanges?: Record<string, Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> | [ipaddr.IPv4 | ipaddr.IPv6, number]>;
  };
  const table = proto.SpecialRanges;
  const entry = table?.[range];
  if (!entry) return true;
  const blocks = (Array.isArray(entry[0]) ? entry : [entry]) as Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  return blocks.some(([net, len]) => a.match(net, len) && b.match(net, len));
}

function describeSize(hostBits: number): string {
  return hostBits <= 40 ? (2 ** hostBits).toLocaleString('en-US') : `2^${hostBits}`;
}

/** One ingress rule entry: protocol, port range and source, with the evidence line that names it. */
export interface IngressEntry {
  protocol: Protocol;
  from: number;
  to: number;
  source: string;
  evidence: string;
}

/**
 * The provider-neutral firewall facts from ingress entries: the internet-facing ports, the database
 * services among them (named from the catalogue), and whether all traffic is admitted. Sources are
 * judged with judgeSourceRange; entries from private or narrow ranges are left out.
 */
export function internetIngressFacts(
  entries: IngressEntry[],
): Record<'internetIngressPorts' | 'internetIngressDatabasePorts' | 'internetIngressUdpServices' | 'internetIngressAllTraffic', { value: boolean | string[]; evidence: string[] }> {
  const open = entries.filter((e) => judgeSourceRange(e.source).internet);
  const label = (e: IngressEntry) => (e.protocol === 'all' ? `all traffic from ${e.source}` : `${e.from === e.to ? e.from : `${e.from}-${e.to}`}/${e.protocol} from ${e.source}`);
  const db = open.flatMap((e) => databaseServicesIn(e.protocol, e.from, e.to).map((s) => ({ e, label: `${s} from ${e.source}` })));
  const udp = open.flatMap((e) => udpServicesTargeted(e.protocol, e.from, e.to).map((s) => ({ e, label: `${s} from ${e.source}` })));
  const all = open.filter((e) => e.protocol === 'all');
  return {
    internetIngressPorts: { value: [...new Set(open.map(label))], evidence: open.length ? [...new Set(open.map((e) => e.evidence))] : ['no ingress rule admits a public range'] },
    internetIngressDatabasePorts: { value: [...new Set(db.map((d) => d.label))], evidence: db.length ? [...new Set(db.map((d) => d.e.evidence))] : ['no database port is admitted from a public range'] },
    internetIngressUdpServices: { value: [...new Set(udp.map((d) => d.label))], evidence: udp.length ? [...new Set(udp.map((d) => d.e.evidence))] : ['no rule targets a UDP database service port from a public range'] },
    internetIngressAllTraffic: { value: all.length > 0, evidence: all.length ? [...new Set(all.map((e) => e.evidence))] : ['no "all traffic" rule from a public range'] },
  };
}

/** Whether an IPv4 range given by its ends (Azure SQL firewall style) is broad and public. */
export function judgeAddressRange(start: string, end: string): SourceExposure {
  let a: ipaddr.IPv4;
  let b: ipaddr.IPv4;
  try {
    a = ipaddr.IPv4.parse(start);
    b = ipaddr.IPv4.parse(end);
  } catch {
    return { internet: false, reason: `${start}-${end} is not an IPv4 range` };
  }
  const toInt = (x: ipaddr.IPv4) => x.octets.reduce((n, o) => n * 256 + o, 0);
  const size = toInt(b) - toInt(a) + 1;
  if (size <= 0) return { internet: false, reason: `${start}-${end} is empty` };
  const first = a.range();
  if (first === b.range() && NON_PUBLIC.has(first)) return { internet: false, reason: `${start}-${end} is ${first} address space` };
  if (size >= 2 ** (32 - BROAD_PREFIX.ipv4)) return { internet: true, reason: `${start}-${end} is a broad public range (${size.toLocaleString('en-US')} addresses)` };
  return { internet: false, reason: `${start}-${end} is a narrow range (${size} addresses)` };
}

/** A deny rule entry that takes precedence over some allow entries (NSG priority, GCP firewall priority). */
export interface DenyEntry {
  protocol: Protocol;
  from: number;
  to: number;
  /** A CIDR, or `*` for every address of every family. */
  source: string;
  /** Names the deny rule, e.g. `NSG db-nsg rule deny-sql (priority 100)`. */
  evidence: string;
}

/** Whether every address of `inner` is in `outer` (`*` covers everything). */
export function sourceCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  try {
    const [o, op] = outer.includes('/') ? ipaddr.parseCIDR(outer.trim()) : [ipaddr.parse(outer.trim()), outer.includes(':') ? 128 : 32];
    const [i, ip] = inner.includes('/') ? ipaddr.parseCIDR(inner.trim()) : [ipaddr.parse(inner.trim()), inner.includes(':') ? 128 : 32];
    if (o.kind() !== i.kind()) return false;
    return op <= ip && i.match(o, op);
  } catch {
    return false;
  }
}

const portsLabel = (ranges: Array<[number, number]>): string => ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');

/**
 * What is left of an allow entry after the deny entries that take precedence over it. A deny counts
 * only where it covers the allow's whole source range (a narrower deny leaves the rest open) and its
 * protocol; it removes its ports, so an allow can be shadowed completely, or only in part, and the
 * evidence of what is left names the deny. An `all` allow shadowed for one protocol is no longer all
 * traffic: what is left is listed per protocol (tcp and udp).
 */
export function subtractDenied(allow: IngressEntry, denies: readonly DenyEntry[]): IngressEntry[] {
  const covering = denies.filter((d) => sourceCovers(d.source, allow.source));
  if (!covering.length) return [allow];
  const protocols = allow.protocol === 'all' ? (covering.some((d) => d.protocol !== 'all') ? ['tcp', 'udp'] : ['all']) : [allow.protocol];
  const out: IngressEntry[] = [];
  for (const protocol of protocols) {
    let ranges: Array<[number, number]> = [[allow.from, allow.to]];
    const applied: string[] = [];
    for (const d of covering) {
      if (d.protocol !== 'all' && d.protocol !== protocol) continue;
      const next: Array<[number, number]> = [];
      let cut = false;
      for (const [a, b] of ranges) {
        if (d.to < a || d.from > b) {
          next.push([a, b]);
          continue;
        }
        cut = true;
        if (a < d.from) next.push([a, d.from - 1]);
        if (b > d.to) next.push([d.to + 1, b]);
      }
      if (cut) applied.push(d.evidence);
      ranges = next;
    }
    const [only] = ranges;
    const whole = ranges.length === 1 && only?.[0] === allow.from && only[1] === allow.to;
    if (whole && protocol === allow.protocol) {
      out.push(allow);
      continue;
    }
    const note = applied.length ? `; ${applied.join(' and ')} ${applied.length === 1 ? 'takes' : 'take'} precedence${ranges.length ? `, so it is open only for ${protocol} ${portsLabel(ranges)}` : ''}` : '';
    for (const [from, to] of ranges) out.push({ protocol, from, to, source: allow.source, evidence: `${allow.evidence}${note}` });
  }
  return out;
}
