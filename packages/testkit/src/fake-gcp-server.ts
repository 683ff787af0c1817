import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A JSON answer: a body, or an error `{ status, error }` as Google APIs send it. */
export type GcpAnswer = { status: number; body: unknown };

/**
 * A Google Cloud estate as its JSON APIs answer: projects, buckets (JSON API metadata with ACLs),
 * bucket IAM policies, Cloud SQL instances and VPC firewall rules, each possibly an error.
 */
export interface FakeGcpEstate {
  projects: string[];
  pageSize: number;
  buckets: Record<string, Array<Record<string, unknown>>>;
  iam: Record<string, GcpAnswer>;
  sqlInstances: Record<string, GcpAnswer>;
  firewalls: Record<string, GcpAnswer>;
  /** Projects whose effective organization policy enforces storage.publicAccessPrevention. */
  orgEnforced?: string[];
  /**
   * The resource hierarchy: each organization or folder (`organizations/1`, `folders/2`) with its
   * direct child folders and projects (a folder or project entry may carry a `state`). Without it,
   * every organization holds every project directly.
   */
  hierarchy?: Record<string, { folders?: Array<string | { name: string; state: string }>; projects?: Array<string | { id: string; state: string }> }>;
  /** Organizations or folders whose children the caller may not list (403). */
  deniedParents?: string[];
  /** Answer the first N requests for a key (`iam/<bucket>`, `sql/<project>`, ...) with 429. */
  throttleFirst?: Record<string, number>;
}

/** A running fake Google Cloud endpoint (Storage, Cloud SQL, Compute, Resource Manager): its URL, the requests it saw and how to stop it. */
export interface FakeGcpServer {
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** `<name>.json` is a success body; `<name>.error.json` is `{ "status": 403, "error": { ... } }`. */
function answerFile(dir: string, name: string): GcpAnswer | undefined {
  if (existsSync(join(dir, `${name}.error.json`))) {
    const e = readJson(join(dir, `${name}.error.json`)) as { status: number; error: unknown };
    return { status: e.status, body: { error: e.error } };
  }
  if (existsSync(join(dir, `${name}.json`))) return { status: 200, body: readJson(join(dir, `${name}.json`)) };
  return undefined;
}

/**
 * Reads an estate from readable fixture files:
 * `estate.json` ({ projects, pageSize, throttleFirst, orgEnforced }); `storage/<project>/buckets/<bucket>.json`;
 * `storage/<project>/iam/<bucket>.json` (or `.error.json`); `sql/<project>/instances.json`;
 * `compute/<project>/firewalls.json`. Lists missing a file are empty.
 */
export function loadFakeGcpEstate(dir: string): FakeGcpEstate {
  const meta = readJson(join(dir, 'estate.json')) as Pick<FakeGcpEstate, 'projects' | 'throttleFirst' | 'orgEnforced' | 'hierarchy' | 'deniedParents'> & { pageSize?: number };
  const estate: FakeGcpEstate = {
    projects: meta.projects,
    pageSize: meta.pageSize ?? 500,
    buckets: {},
    iam: {},
    sqlInstances: {},
    firewalls: {},
    ...(meta.throttleFirst ? { throttleFirst: meta.throttleFirst } : {}),
    ...(meta.orgEnforced ? { orgEnforced: meta.orgEnforced } : {}),
    ...(meta.hierarchy ? { hierarchy: meta.hierarchy } : {}),
    ...(meta.deniedParents ? { deniedParents: meta.deniedParents } : {}),
  };
  for (const project of meta.projects) {
    const bdir = join(dir, 'storage', project, 'buckets');
    estate.buckets[project] = existsSync(bdir) ? readdirSync(bdir).sort().map((f) => readJson(join(bdir, f)) as Record<string, unknown>) : [];
    const idir = join(dir, 'storage', project, 'iam');
    for (const b of estate.buckets[project]) {
      const a = answerFile(idir, String(b.name));
      if (a) estate.iam[String(b.name)] = a;
    }
    const sql = answerFile(join(dir, 'sql', project), 'instances');
    if (sql) estate.sqlInstances[project] = sql;
    const fw = answerFile(join(dir, 'compute', project), 'firewalls');
    if (fw) estate.firewalls[project] = fw;
  }
  return estate;
}

/** Pages a list answer's `items` by the estate's page size, with `nextPageToken` offsets. */
function paged(answer: GcpAnswer | undefined, pageToken: string | null, size: number, kind: string): GcpAnswer {
  if (!answer) return { status: 200, body: { kind } };
  if (answer.status !== 200) return answer;
  const items = ((answer.body as { items?: unknown[] }).items ?? []);
  const start = Number(pageToken ?? 0);
  const page = items.slice(start, start + size);
  return { status: 200, body: { kind, ...(page.length ? { items: page } : {}), ...(start + size < items.length ? { nextPageToken: String(start + size) } : {}) } };
}

/**
 * Starts a server on 127.0.0.1 answering the Cloud Storage JSON API (at `/b/...`, as clients address an
 * emulator, or `/storage/v1/b/...`), Cloud SQL Admin v1beta4, Compute v1 firewalls and Resource
 * Manager v3 project search and project and folder listing by parent. `latencyMs` delays every answer, for benchmarks.
 */
export async function startFakeGcp(estate: FakeGcpEstate, options: { latencyMs?: number } = {}): Promise<FakeGcpServer> {
  const requests: string[] = [];
  const throttle = new Map(Object.entries(estate.throttleFirst ?? {}));
  const throttled = (key: string): GcpAnswer | undefined => {
    const left = throttle.get(key) ?? 0;
    if (left <= 0) return undefined;
    throttle.set(key, left - 1);
    return { status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', errors: [{ reason: 'rateLimitExceeded' }] } } };
  };
  // As Google answers for a project that does not exist (or that the caller cannot see).
  const noProject = (project: string): GcpAnswer | undefined =>
    estate.projects.includes(project) ? undefined : { status: 404, body: { error: { code: 404, status: 'NOT_FOUND', message: `The requested project ${project} was not found.`, errors: [{ reason: 'notFound' }] } } };
  const route = (req: IncomingMessage): GcpAnswer => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/storage\/v1/, '');
    let m: RegExpExecArray | null;
    if (path === '/b') {
      const project = url.searchParams.get('project') ?? '';
      requests.push(`storage buckets.list ${project}`);
      const missing = noProject(project);
      if (missing) return missing;
      const items = estate.buckets[project] ?? [];
      return paged({ status: 200, body: { items } }, url.searchParams.get('pageToken'), Math.min(Number(url.searchParams.get('maxResults') ?? estate.pageSize), estate.pageSize), 'storage#buckets');
    }
    if ((m = /^\/b\/([^/]+)\/iam$/.exec(path))) {
      const bucket = decodeURIComponent(m[1]!);
      requests.push(`storage getIamPolicy ${bucket}`);
      return throttled(`iam/${bucket}`) ?? estate.iam[bucket] ?? { status: 200, body: { kind: 'storage#policy', resourceId: `projects/_/buckets/${bucket}`, version: 1, etag: 'CAE=', bindings: [] } };
    }
    if ((m = /^\/(?:sql\/)?v1beta4\/projects\/([^/]+)\/instances$/.exec(path))) {
      requests.push(`sqladmin instances.list ${m[1]}`);
      const missing = noProject(m[1]!);
      if (missing) return missing;
      return throttled(`sql/${m[1]}`) ?? paged(estate.sqlInstances[m[1]!], url.searchParams.get('pageToken'), estate.pageSize, 'sql#instancesList');
    }
    if ((m = /^\/compute\/v1\/projects\/([^/]+)\/global\/firewalls$/.exec(path))) {
      requests.push(`compute firewalls.list ${m[1]}`);
      const missing = noProject(m[1]!);
      if (missing) return missing;
      return throttled(`compute/${m[1]}`) ?? paged(estate.firewalls[m[1]!], url.searchParams.get('pageToken'), estate.pageSize, 'compute#firewallList');
    }
    if ((m = /^\/v1\/projects\/([^/:]+):getEffectiveOrgPolicy$/.exec(path))) {
      requests.push(`cloudresourcemanager getEffectiveOrgPolicy ${m[1]}`);
      const enforced = estate.orgEnforced?.includes(m[1]!) === true;
      return { status: 200, body: { constraint: 'constraints/storage.publicAccessPrevention', booleanPolicy: enforced ? { enforced: true } : {} } };
    }
    if (path === '/v3/projects' || path === '/v3/folders') {
      // Direct children only, as Resource Manager lists them; deleted ones only with showDeleted.
      const parent = url.searchParams.get('parent') ?? '';
      const what = path === '/v3/projects' ? 'projects' : 'folders';
      requests.push(`cloudresourcemanager ${what}.list ${parent}`);
      const denied = estate.deniedParents?.includes(parent) ? { status: 403, body: { error: { code: 403, status: 'PERMISSION_DENIED', message: `The caller does not have permission to list the ${what} of ${parent}`, errors: [{ reason: 'forbidden' }] } } } : undefined;
      if (denied) return denied;
      const node = estate.hierarchy ? estate.hierarchy[parent] : parent.startsWith('organizations/') ? { projects: estate.projects } : {};
      if (node === undefined) return { status: 403, body: { error: { code: 403, status: 'PERMISSION_DENIED', message: `${parent} does not exist or the caller cannot see it`, errors: [{ reason: 'forbidden' }] } } };
      const showDeleted = url.searchParams.get('showDeleted') === 'true';
      const live = (state: string) => showDeleted || state === 'ACTIVE';
      const items =
        what === 'projects'
          ? (node.projects ?? []).map((p) => (typeof p === 'string' ? { id: p, state: 'ACTIVE' } : p)).filter((p) => live(p.state)).map((p) => ({ projectId: p.id, name: `projects/${p.id}`, parent, state: p.state }))
          : (node.folders ?? []).map((f) => (typeof f === 'string' ? { name: f, state: 'ACTIVE' } : f)).filter((f) => live(f.state)).map((f) => ({ name: f.name, parent, displayName: f.name, state: f.state }));
      // One item per page, so that paging is exercised.
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = items.slice(start, start + 1);
      return { status: 200, body: { ...(page.length ? { [what]: page } : {}), ...(start + 1 < items.length ? { nextPageToken: String(start + 1) } : {}) } };
    }
    if (path === '/v3/projects:search') {
      requests.push('cloudresourcemanager projects.search');
      return { status: 200, body: { projects: estate.projects.map((projectId) => ({ projectId, name: `projects/${projectId}`, state: 'ACTIVE' })) } };
    }
    requests.push(`unknown ${req.method} ${url.pathname}`);
    return { status: 404, body: { error: { code: 404, status: 'NOT_FOUND', message: `no route for ${url.pathname}` } } };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = route(req);
    const send = () => {
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(answer.body));
    };
    if (options.latencyMs) setTimeout(send, options.latencyMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
