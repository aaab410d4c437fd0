import { HttpError, RetryableError } from '../errors';
import { DEFAULT_RETRY_POLICY, NO_DEADLINE, serverRetryAfterMs, withRetry, type Deadline, type RetryPolicy } from './retry';
import { Transport, type RawResponse } from './transport';
import { redactUrl as defaultRedact } from '../redact';

/**
 * One HTTP client shape for every external service (Halo, Jira, Port API, Port ingest):
 * keep-alive sockets (shared/http/transport.ts), per-request timeouts bounded by the caller's deadline, error
 * classification into RetryableError / HttpError, and the shared retry policy.
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
  /** Extra hook before each attempt, e.g. to refresh an auth header. */
  beforeAttempt?: (attempt: number) => Promise<Record<string, string> | void>;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

const RETRYABLE_STATUS = (s: number): boolean => s === 408 || s === 429 || s >= 500;
const MIN_REQUEST_MS = 250;

export class HttpClient {
  private readonly transport: Transport;
  private readonly opts: HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.transport = new Transport(opts.maxSockets ?? 50);
  }

  async request<T = unknown>(req: RequestOptions): Promise<HttpResponse<T>> {
    const deadline = req.deadline ?? NO_DEADLINE;
    const redact = this.opts.redact ?? defaultRedact;
    const url = this.resolve(req.url, req.params);
    const method = req.method ?? 'GET';
    const where = { service: this.opts.service, method, url: redact(url.toString()) };
    const { body, contentType } = encodeBody(req.data);
    const once = async (attempt: number): Promise<HttpResponse<T>> => {
      const extraHeaders = (await req.beforeAttempt?.(attempt)) ?? {};
      // A deadline that cannot say (NaN) must not disable the socket timeout: treat it as unbounded.
      const reported = deadline.remainingMs();
      const remaining = Number.isNaN(reported) ? Number.POSITIVE_INFINITY : reported;
      if (remaining < MIN_REQUEST_MS) throw new RetryableError('deadline reached before the request could be sent', where);
      const timeoutMs = Math.max(MIN_REQUEST_MS, Math.min(this.opts.timeoutMs ?? 10_000, remaining));
      const headers = lowerKeys({
        'user-agent': 'halo-jira-port-serverless/0.1',
        accept: 'application/json, text/plain, */*',
        ...(contentType ? { 'content-type': contentType } : {}),
        ...this.opts.headers,
        ...req.headers,
        ...extraHeaders,
      });
      let res: RawResponse;
      try {
        res = await this.transport.send({ method, url, headers, body, timeoutMs });
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'NETWORK';
        throw new RetryableError(`${this.opts.service} request failed: ${code}`, { ...where, code, attempt }, { cause: err });
      }
      const headersOut = res.headers as Record<string, unknown>;
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
    this.transport.close();
  }

  private resolve(path: string, params: RequestOptions['params']): URL {
    const absolute = /^https?:\/\//i.test(path);
    if (!absolute && !this.opts.baseURL) throw new TypeError(`${this.opts.service}: relative URL ${path} without a baseURL`);
    const url = new URL(absolute ? path : `${this.opts.baseURL!.replace(/\/$/, '')}/${path.replace(/^\//, '')}`);
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    return url;
  }
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
