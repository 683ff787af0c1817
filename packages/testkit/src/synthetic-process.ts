import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts a synthetic estate server (aws, gcp or azure) in its own process; resolves with its endpoint
 * and a stop function. `firewalls` adds that many firewalls: security groups (AWS), firewall rules
 * (GCP) or network security groups (Azure); `accountBlockPublicAccess` turns on the AWS account's S3
 * Block Public Access.
 */
export async function startSyntheticProcess(provider: 'aws' | 'gcp' | 'azure', buckets: number, latencyMs: number, options: { firewalls?: number; accountBlockPublicAccess?: boolean } = {}): Promise<{ endpoint: string; stop: () => void }> {
  const entry = fileURLToPath(new URL('./serve-synthetic.js', import.meta.url));
  const child = spawn(process.execPath, [entry, provider, String(buckets), String(latencyMs), String(options.firewalls ?? 0), ...(options.accountBlockPublicAccess ? ['account-bpa'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`synthetic ${provider} server exited with ${code}`)));
  });
  return { endpoint, stop: () => child.stdin.end() };
}
