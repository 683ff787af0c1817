import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

/** One ARM answer: a JSON body (a list's `value` is paged with `nextLink`), or an error with headers. */
export interface ArmAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The Azure estate a fake ARM server serves: an answer per request path, paged, optionally throttled. */
export interface FakeArmEstate {
  /** By request path without query, e.g. `/subscriptions/S/providers/Microsoft.Sql/servers`. */
  answers: Record<string, ArmAnswer>;
  pageSize: number;
  /** Answer the first N requests for a path (or one page of it, `path?$skiptoken=K`) with 429 and `Retry-After: 1`. */
  throttleFirst?: Record<string, number>;
  /** Paths of listings ARM answers whole, without `nextLink` (Cosmos DB's `databaseAccounts`, for one). */
  unpaged?: string[];
}

/** A running fake Azure Resource Manager: its URL, the requests it saw and how to stop it. */
export interface FakeArmServer {
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * Reads an ARM estate from fixture files: every `*.json` under `arm/` answers the request path that
 * mirrors its file path (`arm/subscriptions/S/providers/Microsoft.Sql/servers.json`), and
 * `*.error.json` holds `{ "status", "headers"?, "error" }`. `estate.json` has pageSize, throttleFirst and unpaged.
 */
export function loadFakeArmEstate(dir: string): FakeArmEstate {
  const meta = JSON.parse(readFileSync(join(dir, 'estate.json'), 'utf8')) as { pageSize?: number; throttleFirst?: Record<string, number>; unpaged?: string[] };
  const answers: Record<string, ArmAnswer> = {};
  const root = join(dir, 'arm');
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const full = join(d, f);
      if (statSync(full).isDirectory()) walk(full);
      else if (f.endsWith('.error.json')) {
        const e = JSON.parse(readFileSync(full, 'utf8')) as { status: number; headers?: Record<string, string>; error: unknown };
        answers[`/${relative(root, full).split(sep).join('/').replace(/\.error\.json$/, '')}`] = { status: e.status, body: { error: e.error }, ...(e.headers ? { headers: e.headers } : {}) };
      } else if (f.endsWith('.json')) answers[`/${relative(root, full).split(sep).join('/').replace(/\.json$/, '')}`] = { status: 200, body: JSON.parse(readFileSync(full, 'utf8')) };
    }
  };
  if (existsSync(root)) walk(root);
  return { answers, pageSize: meta.pageSize ?? 100, ...(meta.throttleFirst ? { throttleFirst: meta.throttleFirst } : {}), ...(meta.unpaged ? { unpaged: meta.unpaged } : {}) };
}

/** Starts an ARM look-alike on 127.0.0.1: GET only, `api-version` ignored, lists paged by `nextLink`; a subscription's listing of a type without a fixture is empty. */
export async function startFakeArm(estate: FakeArmEstate, options: { latencyMs?: number } = {}): Promise<FakeArmServer> {
  const requests: string[] = [];
  const throttle = new Map(Object.entries(estate.throttleFirst ?? {}));
  let endpoint = '';
  // A subscription of the estate lists no resources of a type it has no fixture for, as ARM answers for a
  // subscription that holds none: `{ "value": [] }`. Other paths without a fixture are 404.
  const known = new Set(Object.keys(estate.answers).flatMap((p) => /^\/subscriptions\/[^/]+/i.exec(p)?.[0] ?? []));
  const isEmptyListing = (path: string): boolean => {
    const m = /^(\/subscriptions\/[^/]+)\/providers\/[^/]+\/[^/]+$/i.exec(path);
    return m !== null && known.has(m[1] ?? '');
  };
  const route = (req: IncomingMessage): ArmAnswer => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/\/+$/, '');
    requests.push(`${req.method} ${path}`);
    const skipToken = url.searchParams.get('$skiptoken');
    const key = skipToken !== null && throttle.has(`${path}?$skiptoken=${skipToken}`) ? `${path}?$skiptoken=${skipToken}` : path;
    const left = throttle.get(key) ?? 0;
    if (left > 0) {
      throttle.set(key, left - 1);
      return { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TooManyRequests', message: 'The request is being throttled.' } } };
    }
    if (!(req.headers.authorization ?? '').startsWith('Bearer ')) return { status: 401, body: { error: { code: 'AuthenticationFailed', message: 'no bearer token' } } };
    const answer = estate.answers[path] ?? (isEmptyListing(path) ? { status: 200, body: { value: [] } } : undefined);
    if (!answer) return { status: 404, body: { error: { code: 'ResourceNotFound', message: `no fixture for ${path}` } } };
    const value = (answer.body as { value?: unknown[] }).value;
    if (answer.status !== 200 || !Array.isArray(value) || estate.unpaged?.includes(path)) return answer;
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const page = value.slice(skip, skip + estate.pageSize);
    const next = skip + estate.pageSize < value.length ? `${endpoint}${path}?api-version=${url.searchParams.get('api-version') ?? ''}&$skiptoken=${skip + estate.pageSize}` : undefined;
    return { status: 200, body: { value: page, ...(next ? { nextLink: next } : {}) } };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = route(req);
    const send = () => {
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': 'fake', ...(answer.headers ?? {}) });
      res.end(JSON.stringify(answer.body));
    };
    if (options.latencyMs) setTimeout(send, options.latencyMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
