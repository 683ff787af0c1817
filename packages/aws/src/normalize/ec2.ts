import type { Instance, IpPermission, SecurityGroup, Snapshot } from '@aws-sdk/client-ec2';
import { databaseServicesIn, fact, internetIngressFacts, judgeSourceRange, type Fact, type Resource } from '@leakproof/core';
import { mapOutcome, outcomeReason, type CallOutcome } from '@leakproof/core';

/** One ingress permission that admits an internet source. */
export interface InternetIngress {
  groupId: string;
  groupName: string;
  protocol: string;
  from: number;
  to: number;
  source: string;
  /** e.g. `security group sg-1 (db-public) allows tcp 5432 from 0.0.0.0/0` */
  evidence: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function protocolOf(p: IpPermission): string {
  const raw = (p.IpProtocol ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[raw] ?? raw;
}

/** Port range of a permission; protocols without ports (all, icmp) cover everything. */
function portsOf(p: IpPermission, protocol: string): [number, number] {
  if (protocol === 'all' || protocol === 'icmp' || protocol === 'icmpv6') return [0, 65535];
  const from = p.FromPort ?? 0;
  const to = p.ToPort ?? 65535;
  return from === -1 ? [0, 65535] : [from, to];
}

function describePorts(protocol: string, from: number, to: number): string {
  if (protocol === 'all') return 'all traffic';
  if (from === 0 && to === 65535) return `all ${protocol} ports`;
  return from === to ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
}

/** Every ingress permission of a group that admits 0.0.0.0/0, ::/0 or another broad public range. */
export function internetIngressOf(sg: SecurityGroup): InternetIngress[] {
  const out: InternetIngress[] = [];
  const id = sg.GroupId ?? '?';
  const name = sg.GroupName ?? id;
  for (const p of sg.IpPermissions ?? []) {
    const protocol = protocolOf(p);
    const [from, to] = portsOf(p, protocol);
    const sources = [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter((s): s is string => !!s);
    for (const source of sources) {
      const judged = judgeSourceRange(source);
      if (!judged.internet) continue;
      out.push({ groupId: id, groupName: name, protocol, from, to, source, evidence: `security group ${id} (${name}) allows ${describePorts(protocol, from, to)} from ${source}${source.endsWith('/0') ? '' : ` (${judged.reason})`}` });
    }
  }
  return out;
}

function databaseLabels(i: InternetIngress): string[] {
  return databaseServicesIn(i.protocol, i.from, i.to).map((svc) => `${svc} from ${i.source}`);
}

/** A security group judged on its own: its resource (without what it guards) and its internet ingress. */
export interface JudgedGroup {
  groupId: string;
  ingress: InternetIngress[];
  resource: Resource;
}

/**
 * Pure: a security group judged on its own, before what it guards is known. The collector judges each
 * page of groups as it arrives, so the raw answers are dropped at once instead of held for the region.
 */
export function judgeSecurityGroup(sg: SecurityGroup, region: string, account: string, partition = 'aws'): JudgedGroup {
  const ingress = internetIngressOf(sg);
  const id = sg.GroupId ?? '?';
  const facts: Record<string, Fact> = {
    direction: fact('ingress', 'security group ingress permissions'),
    enabled: fact(true, 'security groups are always in force'),
    ...internetIngressFacts(ingress),
  };
  const resource: Resource = {
    id: `arn:${partition}:ec2:${region}:${account}:security-group/${id}`,
    kind: 'network-firewall',
    provider: 'aws',
    account,
    region,
    name: sg.GroupName ? `${sg.GroupName} (${id})` : id,
    type: 'AWS::EC2::SecurityGroup',
    tags: tagsOf(sg.Tags),
    facts,
  };
  return { groupId: id, ingress, resource };
}

/** Pure: a judged group with what it is attached to (undefined: not known, so no such facts). */
export function withAttachments(group: JudgedGroup, attachments: string[] | undefined): Resource {
  if (attachments === undefined) return group.resource;
  const facts: Record<string, Fact> = { ...group.resource.facts };
  facts.appliesTo = fact(attachments, attachments.length ? `attached to ${attachments.join(', ')}` : 'not attached to any instance or database found');
  if (attachments.length) facts.inUse = fact(true, `attached to ${attachments.length} resource(s)`);
  return { ...group.resource, facts };
}

/** Pure: a security group (and what it is attached to, if known) to a network-firewall resource. */
export function normalizeSecurityGroup(sg: SecurityGroup, region: string, account: string, attachments: string[] | undefined, partition = 'aws'): Resource {
  return withAttachments(judgeSecurityGroup(sg, region, account, partition), attachments);
}

export function tagsOf(tags: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : [])));
}

/** Security-group exposure by group id, or the reason it is unknown. */
export type GroupExposure = { known: true; byGroup: Map<string, InternetIngress[]> } | { known: false; reason: string };

/** Internet ingress of every security group of a DescribeSecurityGroups answer, by group id; unknown when the call failed. */
export function groupExposure(outcome: CallOutcome<SecurityGroup[]>): GroupExposure {
  return judgedGroupExposure(mapOutcome(outcome, (groups) => groups.map((sg) => ({ groupId: sg.GroupId ?? '?', ingress: internetIngressOf(sg) }))));
}

/** As `groupExposure`, from groups already judged. */
export function judgedGroupExposure(outcome: CallOutcome<ReadonlyArray<Pick<JudgedGroup, 'groupId' | 'ingress'>>>): GroupExposure {
  if (outcome.status === 'ok') return { known: true, byGroup: new Map(outcome.value.map((g) => [g.groupId, g.ingress])) };
  return { known: false, reason: outcomeReason(outcome, 'security groups') };
}

/** Pure: an EC2 instance with its groups' exposure to a compute-instance resource. */
export function normalizeInstance(instance: Instance, region: string, account: string, exposure: GroupExposure, partition = 'aws'): Resource {
  const id = instance.InstanceId ?? '?';
  const ipv6 = (instance.NetworkInterfaces ?? []).flatMap((n) => (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)).filter(Boolean);
  const publicIp = instance.PublicIpAddress ? fact(true, `public IPv4 ${instance.PublicIpAddress}`) : ipv6.length ? fact(true, `IPv6 address ${ipv6[0] ?? ''} (globally routable)`) : fact(false, 'no public IPv4 or IPv6 address');
  const hasPublicIp = publicIp.value === true;
  const facts: Record<string, Fact> = { publicIp };
  const groups = (instance.SecurityGroups ?? []).map((g) => g.GroupId ?? '?');
  if (exposure.known) {
    const ingress = groups.flatMap((g) => exposure.byGroup.get(g) ?? []);
    const db = ingress.filter((i) => databaseLabels(i).length);
    const noDbEvidence = `security groups ${groups.join(', ') || '(none)'} admit no database port from a public range`;
    facts.internetExposedDatabasePorts = fact([...new Set(db.flatMap(databaseLabels))], ...(db.length ? db.map((i) => i.evidence) : [noDbEvidence]));
    const reachable = hasPublicIp && db.length > 0;
    facts.internetReachableDatabase = reachable ? fact(true, ...publicIp.evidence, ...db.map((i) => i.evidence)) : fact(false, ...(db.length ? publicIp.evidence : [noDbEvidence]));
  } else {
    facts.internetExposedDatabasePorts = { unknown: exposure.reason };
    facts.internetReachableDatabase = hasPublicIp ? { unknown: exposure.reason, evidence: publicIp.evidence } : fact(false, ...publicIp.evidence);
  }
  const nameTag = instance.Tags?.find((t) => t.Key === 'Name')?.Value;
  return {
    id: `arn:${partition}:ec2:${region}:${account}:instance/${id}`,
    kind: 'compute-instance',
    provider: 'aws',
    account,
    region,
    name: nameTag ? `${nameTag} (${id})` : id,
    type: 'AWS::EC2::Instance',
    tags: tagsOf(instance.Tags),
    facts,
  };
}

/** Pure: an EBS snapshot owned by the account; `publicIds` are those restorable by everyone. */
export function normalizeEbsSnapshot(s: Snapshot, region: string, account: string, publicIds: CallOutcome<Set<string>>, now: Date, partition = 'aws'): Resource {
  const id = s.SnapshotId ?? '?';
  const facts: Record<string, Fact> = {
    snapshotOf: fact('disk', `EBS snapshot of ${s.VolumeId ?? 'a volume'}`),
    encrypted: fact(s.Encrypted === true, `Encrypted=${s.Encrypted === true}`),
  };
  if (s.StartTime) facts.ageDays = fact(Math.floor((now.getTime() - new Date(s.StartTime).getTime()) / 86_400_000), `StartTime=${new Date(s.StartTime).toISOString().slice(0, 10)}`);
  facts.public =
    publicIds.status === 'ok'
      ? publicIds.value.has(id)
        ? fact(true, 'createVolumePermission: group all (restorable by everyone)')
        : fact(false, 'not restorable by group all')
      : { unknown: outcomeReason(publicIds, 'the list of public snapshots') };
  return {
    id: `arn:${partition}:ec2:${region}::snapshot/${id}`,
    kind: 'snapshot',
    provider: 'aws',
    account,
    region,
    name: id,
    type: 'AWS::EC2::Snapshot',
    tags: tagsOf(s.Tags),
    facts,
  };
}

/** Pure: the regional EBS-encryption-by-default setting as an `account` resource. */
export function normalizeEbsDefaultEncryption(outcome: CallOutcome<boolean>, region: string, account: string, partition = 'aws'): Resource {
  return {
    id: `arn:${partition}:ec2:${region}:${account}:account-settings`,
    kind: 'account',
    provider: 'aws',
    account,
    region,
    name: `${account} ${region}`,
    type: 'AWS::EC2::AccountSettings',
    tags: {},
    facts: {
      diskDefaultEncryption:
        outcome.status === 'ok' ? fact(outcome.value, `GetEbsEncryptionByDefault ${region}: EbsEncryptionByDefault=${outcome.value}`) : { unknown: outcomeReason(outcome, 'EBS default encryption') },
    },
  };
}
