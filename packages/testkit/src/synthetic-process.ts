import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts a synthetic AWS estate server in its own process; resolves with its endpoint and a stop function. */
export async function startSyntheticAwsProcess(buckets: number, latencyMs: number): Promise<{ endpoint: string; stop: () => void }> {
  const entry = fileURLToPath(new URL('./serve-synthetic-aws.js', import.meta.url));
  const child = spawn(process.execPath, [entry, String(buckets), String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`synthetic AWS server exited with ${code}`)));
  });
  return { endpoint, stop: () => child.stdin.end() };
}
