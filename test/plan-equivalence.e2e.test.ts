import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectAws } from '@leakproof/aws';
import { collectAzure } from '@leakproof/azure';
import { audit, loadPolicies, type Resource } from '@leakproof/core';
import { collectGcp } from '@leakproof/gcp';
import { readTerraformPlan } from '@leakproof/terraform';
import { loadFakeArmEstate, loadFakeAwsEstate, loadFakeGcpEstate, startFakeArm, startFakeAws, startFakeGcp } from '@leakproof/testkit';

// One estate per cloud, judged twice: live, by the real collector against the test servers, and as the plan of
// the same resources (test/fixtures/terraform/equivalence/<cloud>, generated from spec.mjs). Every rule verdict
// must agree per resource, except the differences named here; each is documented in
// test/fixtures/terraform/equivalence/README.md and, where it is a limit of plans, in packages/terraform/README.md.

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const policies = loadPolicies();

interface Estate {
  /** Plan address → the live resource's name, where the two names differ beyond a " (id)" suffix. */
  renamed: Record<string, string>;
  /** Live resources with no counterpart in the plan, and why. */
  liveOnly: Record<string, string>;
  /** `address rule` → the live and plan statuses that differ, and why. */
  differences: Record<string, { live: string; plan: string; why: string }>;
}

const ESTATES: Record<'aws' | 'gcp' | 'azure', Estate> = {
  aws: {
    renamed: {
      'aws_ebs_snapshot.public': 'snap-0public00000001',
      'aws_ebs_snapshot.private': 'snap-0private0000002',
      'aws_ebs_encryption_by_default.this': '111122223333 eu-west-1',
    },
    liveOnly: {
      'clinic-acl-denied': 'GetBucketAcl answers 403: a fault of the live audit, not a setting',
      'rds:patients-public-2026-11-24': 'an automated snapshot: RDS takes it, Terraform cannot',
      '111122223333 us-east-1': 'EBS account settings of a second region; the plan has one provider region',
      '111122223333': 'the account itself (IAM and Block Public Access at account level live; none is planned here)',
    },
    differences: {
      'aws_ebs_snapshot.public snapshot-public': { live: 'fail', plan: 'pass', why: 'aws_snapshot_create_volume_permission shares with one account, never with group all' },
      'aws_ebs_snapshot.public snapshot-encrypted': { live: 'fail', plan: 'pass', why: 'with aws_ebs_encryption_by_default on, every new volume and its snapshots are encrypted' },
    },
  },
  gcp: {
    renamed: {},
    liveOnly: { 'clinic-gcs-iam-denied': 'getIamPolicy answers 403: a fault of the live audit, not a setting' },
    differences: {},
  },
  azure: {
    renamed: {},
    liveOnly: {
      clinicdenied: 'its blob service answers 403: a fault of the live audit, not a setting',
      'clinic-sql-private/records': 'its TDE read answers 403: a fault of the live audit, not a setting',
      devstoreaccount1: 'the Azurite account, there for the data-plane tests',
    },
    differences: {
      'azurerm_postgresql_flexible_server.azure_only database-tls-required': { live: 'not-evaluated', plan: 'pass', why: 'its server parameters answer 403 live: a fault of the live audit, not a setting' },
      'azurerm_postgresql_flexible_server.azure_only database-audit-logging': { live: 'not-evaluated', plan: 'fail', why: 'its server parameters answer 403 live: a fault of the live audit, not a setting' },
    },
  },
};

const baseName = (name: string) => name.replace(/ \([^)]*\)$/, '');
const verdicts = (r: Resource) => new Map(audit({ resources: [r], policies }).findings.map((f) => [f.rule.id, f.status]));

function comparison(cloud: keyof typeof ESTATES, live: Resource[]) {
  const estate = ESTATES[cloud];
  const planned = readTerraformPlan(join('equivalence', cloud, 'plan.json'), { cwd: join(fixtures, 'terraform'), sourceRoot: join('equivalence', cloud) });
  const pairs = planned.resources.map((p) => {
    const liveName = estate.renamed[p.address!] ?? baseName(p.name);
    return { plan: p, live: live.filter((l) => l.kind === p.kind && baseName(l.name) === liveName) };
  });
  const differences: Record<string, { live: string; plan: string }> = {};
  let failures = 0;
  for (const { plan, live: [l] } of pairs) {
    if (!l) continue;
    const [p, v] = [verdicts(plan), verdicts(l)];
    for (const rule of new Set([...p.keys(), ...v.keys()])) {
      if (p.get(rule) === 'fail') failures++;
      if (p.get(rule) !== v.get(rule)) differences[`${plan.address} ${rule}`] = { live: v.get(rule) ?? 'absent', plan: p.get(rule) ?? 'absent' };
    }
  }
  const paired = new Set(pairs.flatMap((x) => x.live));
  return { planned, pairs, differences, failures, unpaired: live.filter((l) => !paired.has(l)).map((l) => baseName(l.name)) };
}

function judgedTwice(cloud: keyof typeof ESTATES, collect: () => Promise<Resource[]>) {
  let result: ReturnType<typeof comparison>;
  beforeAll(async () => {
    result = comparison(cloud, await collect());
  });

  it('pairs every planned resource with exactly one live resource', () => {
    expect(result.pairs.filter((x) => x.live.length !== 1).map((x) => `${x.plan.address} → ${x.live.length}`)).toEqual([]);
  });

  it('leaves unpaired only the live resources it names, each with a reason', () => {
    expect(result.unpaired.sort()).toEqual(Object.keys(ESTATES[cloud].liveOnly).sort());
  });

  it('gives every paired resource the same verdict on every rule, except the documented differences', () => {
    const expected = Object.fromEntries(Object.entries(ESTATES[cloud].differences).map(([k, { live, plan }]) => [k, { live, plan }]));
    expect(result.differences).toEqual(expected);
  });

  it('judges a real estate: the plan has failing verdicts, and notes nothing it could not join', () => {
    expect(result.failures).toBeGreaterThan(5);
    expect(result.planned.notices.filter((n) => n.level !== 'note' || /could not join|not judged/.test(n.message))).toEqual([]);
  });
}

describe('AWS: the estate live and as a plan', () => {
  judgedTwice('aws', async () => {
    const server = await startFakeAws(loadFakeAwsEstate(join(fixtures, 'aws/estate')));
    try {
      return (await collectAws({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, env: { AWS_ENDPOINT_URL: server.endpoint }, regions: ['eu-west-1', 'us-east-1'] })).resources;
    } finally {
      await server.close();
    }
  });
});

describe('GCP: the clinic-prod estate live and as a plan', () => {
  judgedTwice('gcp', async () => {
    const server = await startFakeGcp(loadFakeGcpEstate(join(fixtures, 'gcp/estate')));
    try {
      return (await collectGcp({ env: { STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint }, projects: ['clinic-prod'] })).resources;
    } finally {
      await server.close();
    }
  });
});

describe('Azure: the first subscription live and as a plan', () => {
  judgedTwice('azure', async () => {
    const server = await startFakeArm(loadFakeArmEstate(join(fixtures, 'azure/estate')));
    try {
      return (await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: server.endpoint }, subscriptions: ['00000000-0000-0000-0000-000000000001'] })).resources;
    } finally {
      await server.close();
    }
  });
});
