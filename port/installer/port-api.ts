import { HttpError, RetryableError } from '../../shared/errors';
import { HttpClient, type HttpClientOptions } from '../../shared/http/client';

/**
 * The Port REST API calls the installer needs, on the shared HttpClient (one retry policy:
 * 429 / x-ratelimit-reset / Retry-After honoured). Every failure becomes a PortApiError naming
 * the call, Port's own message and what to do about it.
 */
export type Json = Record<string, unknown>;

export class PortApiError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly portMessage: string,
    readonly fix: string,
  ) {
    super(`${call} failed${status ? ` (${status})` : ''}: ${portMessage}\n  fix: ${fix}`);
    this.name = 'PortApiError';
  }
}

function fixFor(status: number | undefined, call: string): string {
  if (status === undefined) return 'check the network path to --port-base-url, then re-run (the installer is idempotent)';
  if (status === 401) return call.includes('access_token')
    ? 'check PORT_CLIENT_ID / PORT_CLIENT_SECRET (Port: Settings → Credentials) and that --port-base-url is your region (api.port.io or api.us.port.io)'
    : 'the token was refused: re-run; if it persists, check the credentials';
  if (status === 403) return 'the credentials lack permission: use an organization admin’s client id/secret';
  if (status === 404) return 'the resource does not exist in this Port organization (or region): check identifiers and --port-base-url';
  if (status === 409) return 'an object with that identifier already exists: re-run (it will be updated) or choose another identifier';
  if (status === 413) return 'the request is too large for Port (1 MiB): select fewer --event-sources';
  if (status === 422) return 'Port rejected the request shape: please report this with the message above';
  if (status === 429) return 'Port kept rate-limiting after retries: wait a few minutes and re-run';
  return 'Port failed on its side: re-run later (the installer is idempotent)';
}

function portMessage(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown };
    if (typeof b.message === 'string') return b.error ? `${String(b.error)}: ${b.message}` : b.message;
  }
  return fallback;
}

export class PortApi {
  private readonly http: HttpClient;
  private token?: string;

  constructor(readonly baseUrl: string, opts: Partial<HttpClientOptions> = {}) {
    this.http = new HttpClient({ service: 'port-api', baseURL: baseUrl.replace(/\/+$/, ''), timeoutMs: 30_000, ...opts });
  }

  /** `POST /v1/auth/access_token`. */
  async authenticate(clientId: string, clientSecret: string): Promise<void> {
    const res = await this.call<{ accessToken: string; tokenType?: string }>('POST', '/v1/auth/access_token', { clientId, clientSecret }, [], false);
    this.token = `${res.data.tokenType ?? 'Bearer'} ${res.data.accessToken}`;
  }

  getBlueprint = (id: string) => this.find<{ blueprint: Json }>('GET', `/v1/blueprints/${encodeURIComponent(id)}`).then((r) => r?.blueprint);
  createBlueprint = (bp: Json) => this.call('POST', '/v1/blueprints', bp);
  updateBlueprint = (id: string, bp: Json) => this.call('PATCH', `/v1/blueprints/${encodeURIComponent(id)}`, bp);

  getWebhook = (id: string) => this.find<{ integration: Json }>('GET', `/v1/webhooks/${encodeURIComponent(id)}`).then((r) => r?.integration);
  listWebhooks = () => this.call<{ integrations?: Json[] }>('GET', '/v1/webhooks').then((r) => r.data.integrations ?? []);
  createWebhook = (hook: Json) => this.call<{ integration: Json }>('POST', '/v1/webhooks', hook).then((r) => r.data.integration);
  updateWebhook = (id: string, hook: Json) => this.call<{ integration: Json }>('PATCH', `/v1/webhooks/${encodeURIComponent(id)}`, hook).then((r) => r.data.integration);

  getIntegration = (id: string) => this.find<{ integration: Json }>('GET', `/v1/integration/${encodeURIComponent(id)}`).then((r) => r?.integration);
  updateIntegration = (id: string, patch: Json) => this.call('PATCH', `/v1/integration/${encodeURIComponent(id)}`, patch);

  /** GET that returns undefined on 404. */
  private async find<T>(method: 'GET', url: string): Promise<T | undefined> {
    const res = await this.call<T>(method, url, undefined, [404]);
    return res.status === 404 ? undefined : res.data;
  }

  private async call<T = Json>(method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown, accept: number[] = [], auth = true) {
    const call = `${method} ${url}`;
    if (auth && !this.token) throw new PortApiError(call, undefined, 'not authenticated', 'authenticate first');
    try {
      return await this.http.request<T>({
        method,
        url,
        data,
        accept,
        headers: { 'content-type': 'application/json', ...(auth && this.token ? { authorization: this.token } : {}) },
      });
    } catch (err) {
      if (err instanceof HttpError) throw new PortApiError(call, err.status, portMessage(err.body, err.message), fixFor(err.status, call));
      if (err instanceof RetryableError) {
        const status = typeof err.context.status === 'number' ? err.context.status : undefined;
        throw new PortApiError(call, status, portMessage(err.context.body, err.message), fixFor(status, call));
      }
      throw err;
    }
  }
}
