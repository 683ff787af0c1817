import { describe, expect, it } from 'vitest';
import { normalizeFirewall, type GcpFirewall } from './firewall.js';

const NET_A = 'https://www.googleapis.com/compute/v1/projects/p/global/networks/a';
const NET_B = 'https://www.googleapis.com/compute/v1/projects/p/global/networks/b';
const allow: GcpFirewall = { name: 'allow-pg', network: NET_A, priority: 1000, sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['5432'] }] };
const deny = (network: string, priority: number, disabled = false): GcpFirewall => ({ name: `deny-${priority}`, network, priority, disabled, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['5432'] }] });
const exposed = (rules: GcpFirewall[]) => {
  const judged = normalizeFirewall(allow, 'p', undefined, [allow, ...rules]).facts.internetIngressDatabasePorts;
  return judged && 'value' in judged ? judged.value : judged;
};

describe('GCP firewall DENY precedence', () => {
  it.each([
    ['no deny rule', [], ['PostgreSQL 5432/tcp from 0.0.0.0/0']],
    ['a deny of higher precedence on the same network', [deny(NET_A, 900)], []],
    ['a deny of equal priority (a deny wins a tie)', [deny(NET_A, 1000)], []],
    ['a deny of lower precedence', [deny(NET_A, 1100)], ['PostgreSQL 5432/tcp from 0.0.0.0/0']],
    ['a deny on another network', [deny(NET_B, 900)], ['PostgreSQL 5432/tcp from 0.0.0.0/0']],
    ['a disabled deny', [deny(NET_A, 900, true)], ['PostgreSQL 5432/tcp from 0.0.0.0/0']],
  ] as const)('with %s', (_, rules, expected) => {
    expect(exposed([...rules])).toEqual(expected);
  });
});
