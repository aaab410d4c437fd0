import { AsyncLocalStorage } from 'node:async_hooks';
import { RetryableError } from './errors';
import { HttpClient } from './http/client';
import type { Deadline, RetryPolicy } from './http/retry';
import { redactSecretUrl } from './redact';
import { SIGNATURE, signatureOf } from './webhook-signature';

/**
 * Port's webhook ingest endpoint (`PORT_WEBHOOK_URL`, which embeds the webhook key): the one client
 * for it, used by the forwarder (event batches) and portResync (pre-formatted entities).
 */
export interface PortIngestOptions {
  webhookUrl: string;
  /** When set, every request carries the HMAC of its body (webhook `security` in Port). */
  signingSecret?: string;
  timeoutMs: number;
  maxSockets: number;
  policy?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** The last failure of one request's attempts, seen through the client-wide onRetry hook. */
interface Attempts {
  lastReason?: string;
}

export class PortIngestClient {
  private readonly http: HttpClient;
  private readonly attempts = new AsyncLocalStorage<Attempts>();

  constructor(private readonly opts: PortIngestOptions) {
    this.http = new HttpClient({
      service: 'port-ingest',
      timeoutMs: opts.timeoutMs,
      maxSockets: opts.maxSockets,
      policy: opts.policy,
      redact: redactSecretUrl,
      onRetry: (info) => {
        const current = this.attempts.getStore();
        if (current) current.lastReason = info.reason;
        opts.onRetry?.(info);
      },
    });
  }

  /** One request: `body` is the exact wire JSON (`{id, source, items}`); resolves on 2xx. */
  async post(req: { body: string }, deadline: Deadline): Promise<void> {
    // A Buffer is sent as is: the body is already the exact wire JSON, and the signature covers these bytes.
    const body = Buffer.from(req.body);
    const signature: Record<string, string> = this.opts.signingSecret ? { [SIGNATURE.headerName]: signatureOf(body, this.opts.signingSecret) } : {};
    const attempts: Attempts = {};
    try {
      await this.attempts.run(attempts, () =>
        this.http.request({ method: 'POST', url: this.opts.webhookUrl, data: body, headers: { 'content-type': 'application/json', ...signature }, deadline }),
      );
    } catch (err) {
      // When retries stop at the deadline, what Port last answered is the reason worth keeping (DLQ, logs).
      if (err instanceof RetryableError && /^deadline reached/.test(err.message) && attempts.lastReason) {
        throw new RetryableError(`${attempts.lastReason} (retries stopped at the invocation deadline)`, err.context, { cause: err });
      }
      throw err;
    }
  }

  close(): void {
    this.http.close();
  }
}
