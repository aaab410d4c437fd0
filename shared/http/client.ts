import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { HttpError, RetryableError } from '../errors';
import { DEFAULT_RETRY_POLICY, NO_DEADLINE, serverRetryAfterMs, withRetry, type Deadline, type RetryPolicy } from './retry';

/**
 * One HTTP client shape for every external service (Halo, Jira, Port API, Port ingest):
 * keep-alive sockets, per-request timeouts bounded by the caller's deadline, error
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

export function defaultRedact(url: string): string {
  try {
    const u = new URL(url, 'http://relative.invalid');
    return u.host === 'relative.invalid' ? u.pathname : `${u.origin}${u.pathname}`;
  } catch {
    return '<unparseable url>';
  }
}

export class HttpClient {
  readonly axios: AxiosInstance;
  private readonly opts: HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    const maxSockets = opts.maxSockets ?? 50;
    this.axios = axios.create({
      baseURL: opts.baseURL,
      headers: { 'user-agent': 'halo-jira-port-serverless/0.1', ...opts.headers },
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
      validateStatus: () => true,
      maxRedirects: 0,
      maxBodyLength: Number.POSITIVE_INFINITY,
      maxContentLength: 50 * 1024 * 1024,
    });
  }

  async request<T = unknown>(req: RequestOptions): Promise<HttpResponse<T>> {
    const deadline = req.deadline ?? NO_DEADLINE;
    const redact = this.opts.redact ?? defaultRedact;
    const where = { service: this.opts.service, method: req.method ?? 'GET', url: redact(this.fullUrl(req.url)) };
    const once = async (attempt: number): Promise<HttpResponse<T>> => {
      const extraHeaders = (await req.beforeAttempt?.(attempt)) ?? {};
      const remaining = deadline.remainingMs();
      if (remaining < MIN_REQUEST_MS) throw new RetryableError('deadline reached before the request could be sent', where);
      const timeout = Math.max(MIN_REQUEST_MS, Math.min(this.opts.timeoutMs ?? 10_000, remaining));
      const config: AxiosRequestConfig = {
        method: req.method ?? 'GET',
        url: req.url,
        params: req.params,
        data: req.data,
        headers: { ...req.headers, ...extraHeaders },
        timeout,
      };
      let res;
      try {
        res = await this.axios.request(config);
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'NETWORK';
        throw new RetryableError(`${this.opts.service} request failed: ${code}`, { ...where, code, attempt }, { cause: err });
      }
      const headers = (res.headers ?? {}) as Record<string, unknown>;
      if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) {
        return { status: res.status, data: res.data as T, headers };
      }
      const context = { ...where, status: res.status, attempt, body: excerpt(res.data) };
      if (RETRYABLE_STATUS(res.status)) {
        throw new RetryableError(`${this.opts.service} answered ${res.status}`, context, { retryAfterMs: serverRetryAfterMs(headers) });
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

  private fullUrl(url: string): string {
    return /^https?:\/\//.test(url) || !this.opts.baseURL ? url : `${this.opts.baseURL.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
  }
}

function excerpt(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
