import http from 'node:http';
import { Faults, headerValue, parseJson, readBody, sendJson } from '../http-kit';
import { listenOnLoopback } from '../ports';
import { seededRandom } from '../random';

/**
 * The ingest host (ingest.port.io): `POST /{webhookKey}` → 202 `{ok:true}`, 413 above 512 KiB,
 * 404 for an unknown key. Faults for robustness tests: seeded-random 429 / 5xx / reset / hang
 * and fixed latency, plus http-kit's count-based `next` faults. Processing happens after the
 * answer, like Port: the caller passes `accept` and decides what to do with the body.
 */
const MAX_INGEST_BYTES = 512 * 1024;

export interface ReceivedRequest {
  key: string;
  body: unknown;
  headers: Record<string, string>;
  at: string;
  /** 0 = connection reset or left hanging. */
  status: number;
  fault?: 'rate-limit' | 'server-error' | 'reset' | 'hang';
  bytes: number;
}


export interface IngestFaultSettings {
  /** Probability (0..1) of a 429 with `Retry-After: retryAfterSec`. */
  rateLimit: number;
  retryAfterSec: number;
  /** Probability of a 5xx answer with `serverErrorStatus`. */
  serverError: number;
  serverErrorStatus: number;
  /** Probability of destroying the socket without answering. */
  reset: number;
  /** Probability of never answering (until stop). */
  hang: number;
  /** Fixed delay before answering, in ms. */
  latencyMs: number;
}

const NO_FAULTS: IngestFaultSettings = {
  rateLimit: 0,
  retryAfterSec: 1,
  serverError: 0,
  serverErrorStatus: 503,
  reset: 0,
  hang: 0,
  latencyMs: 0,
};

export class IngestFaults {
  settings: IngestFaultSettings = { ...NO_FAULTS };
  /** Count-based faults ("the next 3 requests get 429"), applied before the random ones. */
  readonly next = new Faults();
  private random: () => number;

  constructor(private seed = 1) {
    this.random = seededRandom(seed);
  }

  set(partial: Partial<IngestFaultSettings> & { seed?: number }): this {
    const { seed, ...rest } = partial;
    this.settings = { ...this.settings, ...rest };
    if (seed !== undefined) this.reseed(seed);
    return this;
  }

  reseed(seed = this.seed): void {
    this.seed = seed;
    this.random = seededRandom(seed);
  }

  clear(): void {
    this.settings = { ...NO_FAULTS };
    this.next.clear();
    this.reseed();
  }

  /** One draw per request, so the sequence only depends on the seed and the request order. */
  draw(path: string): ReceivedRequest['fault'] {
    const scripted = this.next.take({ method: 'POST', path, route: 'POST /{webhookKey}' });
    if (scripted) return scripted.kind === 'status' ? (scripted.status === 429 ? 'rate-limit' : 'server-error') : scripted.kind;
    const s = this.settings;
    const r = this.random();
    const hang = s.reset + s.hang;
    const rateLimit = hang + s.rateLimit;
    if (r < s.reset) return 'reset';
    if (r < hang) return 'hang';
    if (r < rateLimit) return 'rate-limit';
    if (r < rateLimit + s.serverError) return 'server-error';
    return undefined;
  }
}

export interface IngestServer {
  url: string;
  stop(): Promise<void>;
}

export type Acceptance = { status: 202 } | { status: 401 | 404 | 413 | 400; error: string; message: string };

export async function startIngestServer(opts: {
  faults: IngestFaults;
  received: ReceivedRequest[];
  /** Decides the answer for a well-formed request and queues its processing; `raw` = the body bytes as sent. */
  accept(key: string, body: unknown, headers: Record<string, string>, bytes: number, raw: Buffer): Acceptance;
}): Promise<IngestServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const key = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/+|\/+$/g, ''));
      const raw = await readBody(req, MAX_INGEST_BYTES + 1);
      const bytes = Number(headerValue(req.headers, 'content-length') ?? Buffer.byteLength(raw));
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
      const { body } = parseJson(raw);
      const record: ReceivedRequest = { key, body, headers, at: new Date().toISOString(), status: 0, bytes };
      opts.received.push(record);
      const fault = opts.faults.draw(`/${key}`);
      if (opts.faults.settings.latencyMs > 0) await new Promise((r) => setTimeout(r, opts.faults.settings.latencyMs));
      if (fault) record.fault = fault;
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'hang') return; // the socket is destroyed on stop()
      if (fault === 'rate-limit') {
        record.status = 429;
        return sendJson(res, 429, { ok: false, error: 'rate_limit_exceeded', message: 'Too many requests' }, { 'retry-after': String(opts.faults.settings.retryAfterSec) });
      }
      if (fault === 'server-error') {
        record.status = opts.faults.settings.serverErrorStatus;
        return sendJson(res, record.status, { ok: false, error: 'internal_error', message: 'injected failure' });
      }
      const answer: Acceptance =
        req.method !== 'POST'
          ? { status: 404, error: 'not_found', message: `${req.method} is not supported on the ingest host` }
          : bytes > MAX_INGEST_BYTES
            ? { status: 413, error: 'payload_too_large', message: `Request body is too large (limit is ${MAX_INGEST_BYTES} bytes)` }
            : opts.accept(key, body, headers, bytes, Buffer.from(raw));
      record.status = answer.status;
      sendJson(res, answer.status, answer.status === 202 ? { ok: true } : { ok: false, error: answer.error, message: answer.message });
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'stand_in_failure', message: String(err) });
      else res.destroy();
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, stop: close };
}
