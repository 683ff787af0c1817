import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Azurite's documented development account (public, well-known values). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite blob emulator and how to reach it. */
export interface Azurite {
  blobEndpoint: string;
  connectionString: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts Azurite's Blob service on 127.0.0.1 in a temporary directory, without telemetry. */
export async function startAzurite(): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const location = mkdtempSync(join(tmpdir(), 'leakproof-azurite-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--loose', '--skipApiVersionCheck', '--disableTelemetry'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Azurite did not start within 30 s')), 30_000);
    const check = (chunk: Buffer) => {
      if (/successfully listens/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', (code) => reject(new Error(`Azurite exited with ${code}`)));
  });
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(location, { recursive: true, force: true });
          resolve();
        });
        child.kill();
      }),
  };
}

/** Creates containers in Azurite with the given public access (`container`, `blob`, or private). */
export async function seedAzuriteContainers(connectionString: string, containers: Array<{ name: string; access?: 'container' | 'blob' }>): Promise<void> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const service = BlobServiceClient.fromConnectionString(connectionString);
  for (const c of containers) await service.getContainerClient(c.name).create(c.access ? { access: c.access } : {});
}
