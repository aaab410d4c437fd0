import http from 'node:http';
import { listenOnLoopback } from './ports';

/**
 * Building blocks shared by the local stand-ins (Halo, Jira, Port): a real HTTP server on
 * 127.0.0.1 with JSON body reading, a request log with counts by route, and scriptable faults
 * (latency, 429 + Retry-After, 5xx, hang, connection reset). A stand-in supplies `routeOf`
 * (method + path → route label) and `handle` (request → response); the kit does the rest.
 */

export type Query = Record<string, string | string[]>;
export type Headers = Record<string, string | string[] | undefined>;

export interface StubRequest {
  method: string;
  /** Path without query, percent-decoding left to the stand-in. */
  path: string;
  query: Query;
  headers: Headers;
  /** Route label from `routeOf`, e.g. `GET /v3/issues/{id}`; `unmatched` when none. */
  route: string;
  rawBody: string;
  /** Parsed JSON body; undefined when there is no body or it is not JSON. */
  body: unknown;
  /** Set when a non-empty body failed to parse as JSON. */
  bodyError?: string;
}

export interface StubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The request was handled (applied), but the answer leaves this much later. */
  answerDelayMs?: number;
  /** The request was handled (applied), but the connection is cut instead of answering. */
  cutAnswer?: boolean;
}

export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  route: string;
  query: Query;
  body: unknown;
  /** 0 when the connection was reset or the request hung without an answer. */
  status: number;
  fault?: FaultKind;
}

/** In-memory record of every request a stand-in saw (never printed: it may hold tokens). */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private seq = 0;

  add(entry: Omit<LoggedRequest, 'seq' | 'at'>): LoggedRequest {
    const logged = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.entries.push(logged);
    return logged;
  }

  /** Number of requests per route label, e.g. `{ 'GET /v3/issues': 3 }`. */
  countsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) counts[e.route] = (counts[e.route] ?? 0) + 1;
    return counts;
  }

  count(route?: string, status?: number): number {
    return this.entries.filter((e) => (route === undefined || e.route === route) && (status === undefined || e.status === status)).length;
  }

  byRoute(route: string): LoggedRequest[] {
    return this.entries.filter((e) => e.route === route);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

type FaultKind = 'status' | 'hang' | 'reset';

/** Which requests a fault applies to: a route label, an exact path, a RegExp on `METHOD path`, or a predicate. */
export type FaultMatch = string | RegExp | ((req: { method: string; path: string; route: string }) => boolean);

export interface StatusFault {
  kind: 'status';
  status: number;
  /** Seconds for a `Retry-After` header (429/503). */
  retryAfterSec?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
export type Fault = StatusFault | { kind: 'hang' } | { kind: 'reset' };

interface FaultRule {
  fault: Fault;
  remaining: number;
  match?: FaultMatch;
}

function matches(match: FaultMatch | undefined, req: { method: string; path: string; route: string }): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return match === req.route || match === req.path;
  if (match instanceof RegExp) return match.test(`${req.method} ${req.path}`);
  return match(req);
}

/**
 * Scriptable, deterministic faults: rules apply in the order they were added, each to the next
 * `times` matching requests. `latencyMs` delays every request (0 = none).
 */
export class Faults {
  latencyMs = 0;
  private rules: FaultRule[] = [];

  /** Next `times` matching requests answer `status` (e.g. 429 with Retry-After, 500, 502, 503). */
  failNext(times: number, status: number, opts: Omit<StatusFault, 'kind' | 'status'> & { match?: FaultMatch } = {}): this {
    const { match, ...rest } = opts;
    return this.add({ kind: 'status', status, ...rest }, times, match);
  }

  /** Next `times` matching requests answer 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext(times: number, retryAfterSec = 1, match?: FaultMatch): this {
    return this.failNext(times, 429, { retryAfterSec, match });
  }

  /** Next `times` matching requests never get an answer (until the stand-in stops). */
  hangNext(times: number, match?: FaultMatch): this {
    return this.add({ kind: 'hang' }, times, match);
  }

  /** Next `times` matching requests get their TCP connection destroyed. */
  resetNext(times: number, match?: FaultMatch): this {
    return this.add({ kind: 'reset' }, times, match);
  }

  add(fault: Fault, times: number, match?: FaultMatch): this {
    this.rules.push({ fault, remaining: times, match });
    return this;
  }

  /** Consumes and returns the fault for this request, if any rule matches. */
  take(req: { method: string; path: string; route: string }): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.match, req));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.fault;
  }

  /** Faults still scripted (not yet consumed). */
  pending(): number {
    return this.rules.reduce((n, r) => n + (Number.isFinite(r.remaining) ? r.remaining : 1), 0);
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }
}

function parseQuery(search: URLSearchParams): Query {
  const query: Query = {};
  for (const [k, v] of search) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return query;
}

/** First value of a query parameter (repeated keys → the first). */
export function queryValue(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Header value, case-insensitive (Node lower-cases incoming names already). */
export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function readBody(req: http.IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limitBytes) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): { body: unknown; bodyError?: string } {
  if (raw.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(raw) };
  } catch (err) {
    return { body: undefined, bodyError: `invalid JSON body: ${(err as Error).message}` };
  }
}

export function sendJson(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Compiles `/v3/issues/{id}` into a matcher returning the path params, or undefined. */
export function pathPattern(template: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((seg) => seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => {
      names.push(n);
      return '([^/]+)';
    }))
    .join('/');
  const re = new RegExp(`^${source}/?$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return undefined;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
  };
}

export interface StubServerOptions {
  /** Service name for error messages. */
  name: string;
  /** 0 or undefined = a free port. */
  port?: number;
  routeOf(method: string, path: string): string;
  handle(req: StubRequest): StubResponse | Promise<StubResponse>;
  /** Shared log/faults, e.g. to survive a restart; new ones by default. */
  log?: RequestLog;
  faults?: Faults;
  maxBodyBytes?: number;
}

export interface StubServer {
  url: string;
  port: number;
  log: RequestLog;
  faults: Faults;
  server: http.Server;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function applyFault(fault: Fault, res: http.ServerResponse, req: http.IncomingMessage): number {
  if (fault.kind === 'reset') {
    req.socket.destroy();
    return 0;
  }
  if (fault.kind === 'hang') return 0; // the socket is destroyed on stop()
  const headers = { ...(fault.retryAfterSec === undefined ? {} : { 'retry-after': String(fault.retryAfterSec) }), ...fault.headers };
  sendJson(res, fault.status, fault.body ?? { error: `injected ${fault.status}` }, headers);
  return fault.status;
}

/** Starts a stand-in on 127.0.0.1; `stop()` closes every socket, hung ones included. */
export async function startStubServer(opts: StubServerOptions): Promise<StubServer> {
  const log = opts.log ?? new RequestLog();
  const faults = opts.faults ?? new Faults();

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      const query = parseQuery(url.searchParams);
      const route = opts.routeOf(method, path);
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      const rawBody = await readBody(req, opts.maxBodyBytes);
      const { body, bodyError } = parseJson(rawBody);
      const fault = faults.take({ method, path, route });
      if (fault) {
        const status = applyFault(fault, res, req);
        log.add({ method, path, route, query, body, status, fault: fault.kind });
        return;
      }
      const answer = await opts.handle({ method, path, query, headers: req.headers, route, rawBody, body, bodyError });
      if (answer.answerDelayMs) await sleep(answer.answerDelayMs);
      if (answer.cutAnswer) {
        req.socket.destroy();
        log.add({ method, path, route, query, body, status: 0, fault: 'reset' });
        return;
      }
      sendJson(res, answer.status, answer.body, answer.headers);
      log.add({ method, path, route, query, body, status: answer.status });
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `${opts.name} stand-in failed: ${String(err)}` });
      else res.destroy();
    });
  });
  const { port, close } = await listenOnLoopback(server, opts.port);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    faults,
    server,
    stop: close,
  };
}
