import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from 'leakproof';
import { loadFakeArmEstate, loadFakeGcpEstate, startFakeArm, startFakeGcp, type FakeArmServer, type FakeGcpServer } from '@leakproof/testkit';
import { tempDir } from './helpers/cli.js';

const estateDir = fileURLToPath(new URL('./fixtures/gcp/estate/', import.meta.url));
let server: FakeGcpServer;
// For two providers at once: a GCP that answers slowly, so that its collection outlasts Azure's start.
let slowGcp: FakeGcpServer;
let arm: FakeArmServer;

beforeAll(async () => {
  server = await startFakeGcp(loadFakeGcpEstate(estateDir));
  slowGcp = await startFakeGcp(loadFakeGcpEstate(estateDir), { latencyMs: 400 });
  arm = await startFakeArm(loadFakeArmEstate(fileURLToPath(new URL('./fixtures/azure/estate/', import.meta.url))));
});
afterAll(() => Promise.all([server.close(), slowGcp.close(), arm.close()]));

/** The CLI in-process, with a stderr that is a terminal of `columns` or a pipe. */
async function audit(args: string[], stderr: { isTTY: boolean; columns?: number }, env: Record<string, string> = { STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint }): Promise<{ code: number; stdout: string; stderr: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (c: string) => (out += c), isTTY: false },
    stderr: { write: (c: string) => (err += c), ...stderr },
    env: { ...env, NO_COLOR: '1' },
    cwd: tempDir(),
  };
  const code = await main(['audit', ...args], io);
  return { code, stdout: out, stderr: err };
}

// Each redraw returns to the start of the line and clears it.
const redraws = (stderr: string) => stderr.split('\r\u001b[K').filter(Boolean);

describe('progress on a terminal', () => {
  it('covers discovery, collection with counts, evaluation and reports, each line cut to the terminal, and clears itself', async () => {
    const r = await audit(['--provider', 'gcp', '--projects', 'clinic-prod,clinic-sandbox', '-o', 'out.sarif'], { isTTY: true, columns: 60 });
    expect(r.code).toBe(1);
    const lines = redraws(r.stderr);
    expect(lines.some((l) => /^GCP (projects \d+\/2|GCS buckets \d+\/\d+)/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('Evaluating '))).toBe(true);
    expect(lines.some((l) => l.startsWith('Writing reports'))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThan(60);
    // The line is cleared before the report reaches stdout: nothing is left behind on the terminal.
    expect(r.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it('collects several providers at once and shows each one still collecting on the same line', async () => {
    const env = { STORAGE_EMULATOR_HOST: slowGcp.endpoint, LEAKPROOF_GCP_API_ENDPOINT: slowGcp.endpoint, LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint };
    const r = await audit(['--provider', 'gcp', '--provider', 'azure', '--projects', 'clinic-prod', '--fail-on', 'none', '--allow-incomplete', '--format', 'json'], { isTTY: true, columns: 400 }, env);
    // The fixture estates deny a few reads on purpose: partly audited, allowed here.
    expect(r.code).toBe(0);
    // GCP's line comes first, as the providers were given, while Azure is collecting too.
    expect(redraws(r.stderr).some((l) => /^GCP .* \| Azure /.test(l))).toBe(true);
    const providers = new Set((JSON.parse(r.stdout) as { findings: Array<{ provider: string }> }).findings.map((f) => f.provider));
    expect([...providers].sort()).toEqual(['azure', 'gcp']);
  });

  it('shows what is being read for a plan or the demo', async () => {
    const r = await audit(['--demo'], { isTTY: true, columns: 120 });
    expect(redraws(r.stderr)[0]).toBe('Reading the demo estate');
  });

  it('stays silent when stderr is piped', async () => {
    const r = await audit(['--provider', 'gcp', '--projects', 'clinic-prod'], { isTTY: false });
    expect(r.stderr).toBe('');
  });
});
