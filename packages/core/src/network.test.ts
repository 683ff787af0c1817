import { describe, expect, it } from 'vitest';
import { databaseServicesIn, internetIngressFacts, judgeSourceRange, udpServicesTargeted } from './network.js';

describe('judging a source range', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['0.0.0.0/1', true],
    ['128.0.0.0/1', true],
    ['44.0.0.0/8', true],
    ['2000::/3', true],
    ['10.0.0.0/8', false],
    ['172.16.0.0/12', false],
    ['192.168.0.0/16', false],
    ['100.64.0.0/10', false],
    ['fd00::/8', false],
    ['203.0.113.7/32', false],
    ['203.0.113.7', false],
    ['198.51.100.0/24', false],
    ['2001:db8:1234::/48', false],
    ['not-an-ip', false],
  ])('%s is internet: %s', (cidr, internet) => {
    expect(judgeSourceRange(cidr).internet).toBe(internet);
  });

  it('explains why a range counts as the internet', () => {
    expect(judgeSourceRange('0.0.0.0/1').reason).toBe('0.0.0.0/1 is a broad public range (/1, 2,147,483,648 addresses)');
  });
});

describe('naming database ports', () => {
  it('names a single port', () => expect(databaseServicesIn('tcp', 5432, 5432)).toEqual(['PostgreSQL 5432/tcp']));
  it('names every database in a port range', () => expect(databaseServicesIn('tcp', 9000, 9400)).toEqual(['Elasticsearch/OpenSearch 9200/tcp', 'Elasticsearch/OpenSearch transport 9300/tcp', 'Cassandra 9042/tcp']));
  it('names the overlap of a partial range', () => expect(databaseServicesIn('tcp', 27018, 30000)).toEqual(['MongoDB 27018-27019/tcp']));
  it('counts the TCP services for "all"', () => expect(databaseServicesIn('all', 11211, 11211)).toEqual(['Memcached 11211/tcp']));
  it('names no database in a broad UDP range (WebRTC media)', () => expect(databaseServicesIn('udp', 1024, 65535)).toEqual([]));
  it('ignores other protocols', () => expect(databaseServicesIn('udp', 5432, 5432)).toEqual([]));
  it('names nothing for a web port', () => expect(databaseServicesIn('tcp', 443, 443)).toEqual([]));
});

describe('UDP database services', () => {
  it.each([
    ['udp', 1434, 1434, ['SQL Server Browser 1434/udp']],
    ['all', 11211, 11211, ['Memcached 11211/udp']],
    ['udp', 1024, 65535, []],
    ['udp', 10000, 20000, []],
    ['tcp', 1434, 1434, []],
  ] as const)('%s %i-%i targets %j', (protocol, from, to, expected) => {
    expect(udpServicesTargeted(protocol, from, to)).toEqual(expected);
  });

  it('a WebRTC media range open to the internet is neither a database port nor a UDP service finding', () => {
    const facts = internetIngressFacts([{ protocol: 'udp', from: 10000, to: 60000, source: '0.0.0.0/0', evidence: 'media' }]);
    expect(facts.internetIngressDatabasePorts.value).toEqual([]);
    expect(facts.internetIngressUdpServices.value).toEqual([]);
    expect(facts.internetIngressPorts.value).toEqual(['10000-60000/udp from 0.0.0.0/0']);
  });
});
