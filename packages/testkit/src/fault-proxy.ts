import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to a matching request instead of (or before) forwarding it. */
export type Fault =
  /** Accept the request and never answer (the socket stays open until the proxy closes). */
  | { kind: 'hang' }
  /** Forward it, but only after this many milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Answer at once with this status (e.g. 429 with a `Retry-After` header, 403 with a provider error body). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> };

/** One fault, for requests whose `METHOD /path?query` matches. */
export interface FaultRule {
  match: RegExp;
  fault: Fault;
  /** The share of matching requests it applies to (default 1: every one); drawn from a seeded generator. */
  rate?: number;
  /** Apply to at most this many requests. */
  times?: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the client instead of the real server's endpoint. */
  endpoint: string;
  /** Every request seen, as `METHOD /path?query`. */
  requests: string[];
  /** How many requests a fault was applied to. */
  faulted: number;
  close(): Promise<void>;
}

/** A small deterministic generator (mulberry32), so that a "30% of requests" run is the same every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of a test server that misbehaves on purpose: it hangs,
 * delays or answers with an error for the requests its rules match, and forwards the rest unchanged.
 * The real SDK clients talk to it exactly as they would to the server behind it.
 */
export async function startFaultProxy(target: string, rules: FaultRule[], options: { seed?: number } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const random = seeded(options.seed ?? 1);
  const used = rules.map(() => 0);
  const sockets = new Set<Socket>();
  const state: FaultProxy = { endpoint: '', requests: [], faulted: 0, close: () => Promise.resolve() };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const out = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const line = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
      state.requests.push(line);
      const index = rules.findIndex((r, i) => r.match.test(line) && (r.times === undefined || used[i]! < r.times));
      const rule = index >= 0 ? rules[index] : undefined;
      if (!rule || (rule.rate !== undefined && random() >= rule.rate)) { forward(req, res, Buffer.concat(chunks)); return; }
      used[index]!++;
      state.faulted++;
      const fault = rule.fault;
      if (fault.kind === 'hang') return;
      if (fault.kind === 'delay') {
        setTimeout(() => forward(req, res, Buffer.concat(chunks)), fault.ms).unref();
        return;
      }
      res.writeHead(fault.status, { 'content-type': fault.body?.trimStart().startsWith('<') ? 'application/xml' : 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** An endpoint on 127.0.0.1 where nothing listens: every connection is refused. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
