import { HttpClient } from '../../../shared/http/client';
import type { Deadline, RetryPolicy } from '../../../shared/http/retry';
import { redactSecretUrl } from '../../../shared/observability';
import type { IngestRequest } from '../batching';
import type { PortIngest } from '../forward';

/** Port's webhook ingest endpoint (`PORT_WEBHOOK_URL`, which embeds the webhook key). */
export interface PortIngestOptions {
  webhookUrl: string;
  timeoutMs: number;
  maxSockets: number;
  policy?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export class PortIngestClient implements PortIngest {
  private readonly http: HttpClient;

  constructor(private readonly opts: PortIngestOptions) {
    this.http = new HttpClient({
      service: 'port-ingest',
      timeoutMs: opts.timeoutMs,
      maxSockets: opts.maxSockets,
      policy: opts.policy,
      redact: redactSecretUrl,
      onRetry: opts.onRetry,
    });
  }

  async post(req: IngestRequest, deadline: Deadline): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: this.opts.webhookUrl,
      // A Buffer is sent as is: the body is already the exact wire JSON.
      data: Buffer.from(req.body),
      headers: { 'content-type': 'application/json' },
      deadline,
    });
  }
}
