import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { HttpError, RetryableError } from '../errors';
import { Connections } from './connections';
import { environmentProxy, type ProxySettings } from './proxy';
import { DEFAULT_RETRY_POLICY, NO_DEADLINE, serverRetryAfterMs, withRetry, type Deadline, type RetryPolicy } from './retry';
import type { Permit, ThrottleGate } from './throttle';
import { redactUrl as defaultRedact } from '../redact';

/**
 * One HTTP client shape for every external service (Halo, Jira, Port API, Port ingest), on axios:
 * keep-alive sockets (direct or through the egress proxy, shared/http/connections.ts), per-request
 * timeouts bounded by the caller's deadline, error classification into RetryableError / HttpError,
 * the shared retry policy, and optionally one throttle gate shared by every request (throttle.ts).
 */
export interface HttpClientOptions {
  /** Service name used in errors and logs ("jira", "halo", "port-ingest"). */
  service: string;
  baseURL?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  policy?: RetryPolicy;
  maxSockets?: number;
  /** How a URL may appear in errors/logs. Default: origin + path, no query, no credentials. */
  redact?: (url: string) => string;
  onRetry?: (info: { service: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Egress proxy. Default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY of the environment (proxy.ts). */
  proxy?: ProxySettings;
  /** One back-off for all requests through it (429 / X-RateLimit-Remaining: 0); may be shared by clients. */
  gate?: ThrottleGate;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  params?: Record<string, string | number | boolean | undefined>;
  data?: unknown;
  headers?: Record<string, string>;
  deadline?: Deadline;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "deleted"). */
  accept?: readonly number[];
  /** Retry transient failures (default true). Turn off for non-idempotent calls that must not repeat. */
  retry?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

const RETRYABLE_STATUS = (s: number): boolean => s === 408 || s === 429 || s >= 500;
const MIN_REQUEST_MS = 250;

export class HttpClient {
  /** The throttle gate every request of this client passes, when one was given. */
  readonly gate?: ThrottleGate;
  private readonly axios: AxiosInstance;
  private readonly connections: Connections;
  private readonly opts: HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.gate = opts.gate;
    this.connections = new Connections(opts.maxSockets ?? 50, opts.proxy ?? environmentProxy());
    this.axios = axios.create({
      validateStatus: () => true,
      // A redirect would carry the auth header to wherever it points: treat it as the answer.
      maxRedirects: 0,
      maxBodyLength: Number.POSITIVE_INFINITY,
      maxContentLength: 50 * 1024 * 1024,
      responseType: 'text',
      transformResponse: [parseBody],
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    });
  }

  async request<T = unknown>(req: RequestOptions): Promise<HttpResponse<T>> {
    const deadline = req.deadline ?? NO_DEADLINE;
    const redact = this.opts.redact ?? defaultRedact;
    const url = this.resolve(req.url, req.params);
    const method = req.method ?? 'GET';
    const where = { service: this.opts.service, method, url: redact(url.toString()) };
    const { body, contentType } = encodeBody(req.data);
    const headers = lowerKeys({
      'user-agent': 'halo-jira-port-serverless/0.1',
      accept: 'application/json, text/plain, */*',
      ...(contentType ? { 'content-type': contentType } : {}),
      ...this.opts.headers,
      ...req.headers,
    });
    const route = this.connections.route(url);
    const once = async (attempt: number): Promise<HttpResponse<T>> => {
      const permit = await this.turn(deadline, where);
      // Counted after the wait for a turn: a request that waited out a pause gets its full time.
      const remaining = remainingMs(deadline);
      if (remaining < MIN_REQUEST_MS) {
        permit?.release(undefined);
        throw new RetryableError('deadline reached before the request could be sent', where);
      }
      const timeout = Math.floor(Math.max(MIN_REQUEST_MS, Math.min(this.opts.timeoutMs ?? 10_000, remaining)));
      let res: AxiosResponse<unknown>;
      try {
        res = await this.axios.request({ method, url: url.toString(), headers, data: body, timeout, ...route });
      } catch (err) {
        permit?.release(undefined);
        const code = (err as { code?: string }).code ?? 'NETWORK';
        // The cause keeps code and message only: an AxiosError carries the request config, auth header included.
        const cause = Object.assign(new Error((err as Error).message), { code });
        throw new RetryableError(`${this.opts.service} request failed: ${code}`, { ...where, code, attempt }, { cause });
      }
      const headersOut = plainHeaders(res.headers);
      permit?.release({ status: res.status, headers: headersOut });
      if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) {
        return { status: res.status, data: res.data as T, headers: headersOut };
      }
      const context = { ...where, status: res.status, attempt, body: excerpt(res.data) };
      if (RETRYABLE_STATUS(res.status)) {
        throw new RetryableError(`${this.opts.service} answered ${res.status}`, context, { retryAfterMs: serverRetryAfterMs(headersOut) });
      }
      throw new HttpError(`${this.opts.service} answered ${res.status}: ${excerpt(res.data)}`, res.status, res.data, context);
    };
    if (req.retry === false) return once(1);
    return withRetry(once, {
      policy: this.opts.policy ?? DEFAULT_RETRY_POLICY,
      deadline,
      onRetry: ({ attempt, delayMs, error }) =>
        this.opts.onRetry?.({ service: this.opts.service, attempt, delayMs, reason: error.message }),
    });
  }

  /** Closes idle keep-alive sockets so a CLI or test process can exit at once. */
  close(): void {
    this.connections.close();
  }

  /** A turn from the throttle gate, waiting at most until the deadline leaves room for one request. */
  private async turn(deadline: Deadline, where: Record<string, unknown>): Promise<Permit | undefined> {
    if (!this.gate) return undefined;
    try {
      return await this.gate.acquire(remainingMs(deadline) - MIN_REQUEST_MS);
    } catch (err) {
      if (err instanceof RetryableError) throw new RetryableError(`${this.opts.service} ${err.message}`, { ...where, ...err.context }, { retryAfterMs: err.retryAfterMs });
      throw err;
    }
  }

  private resolve(path: string, params: RequestOptions['params']): URL {
    const absolute = /^https?:\/\//i.test(path);
    const { baseURL } = this.opts;
    if (!absolute && !baseURL) throw new TypeError(`${this.opts.service}: relative URL ${path} without a baseURL`);
    const url = new URL(absolute || !baseURL ? path : `${baseURL.replace(/\/$/, '')}/${path.replace(/^\//, '')}`);
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    return url;
  }
}

/** A deadline that cannot say (NaN) must not disable the socket timeout: treat it as unbounded. */
function remainingMs(deadline: Deadline): number {
  const reported = deadline.remainingMs();
  return Number.isNaN(reported) ? Number.POSITIVE_INFINITY : reported;
}

/** Parsed JSON when the body is JSON, else the text ('' when empty). */
function parseBody(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text ?? '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function plainHeaders(headers: AxiosResponse['headers']): Record<string, unknown> {
  const bag = headers as { toJSON?: () => Record<string, unknown> };
  return typeof bag.toJSON === 'function' ? bag.toJSON() : { ...(headers as Record<string, unknown>) };
}

function encodeBody(data: unknown): { body?: Buffer; contentType?: string } {
  if (data === undefined) return {};
  if (Buffer.isBuffer(data)) return { body: data };
  if (typeof data === 'string') return { body: Buffer.from(data), contentType: 'text/plain; charset=utf-8' };
  return { body: Buffer.from(JSON.stringify(data)), contentType: 'application/json' };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function excerpt(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
