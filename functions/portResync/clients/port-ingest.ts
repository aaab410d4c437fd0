import { randomUUID } from 'node:crypto';
import { HttpClient } from '../../../shared/http/client';
import type { Deadline, RetryPolicy } from '../../../shared/http/retry';
import { redactSecretUrl } from '../../../shared/observability';
import { SIGNATURE, signatureOf } from '../../../shared/webhook-signature';
import type { PortEntity } from '../../../port/mappings/definitions';

/**
 * Writes through the webhook's ingest URL as pre-formatted entities (the webhook's entity
 * mappings write each key an item has, and nothing else): up to 500 items and 512 KiB per
 * request, the same envelope as the forwarder's (`{id, source, items}`; the id is unique per
 * request, so Port's de-duplication by `.body.id` never drops a resync write).
 */
const INGEST_SOURCE = 'halo-jira-port/portResync';
const INGEST_MAX_ITEMS = 500;
const INGEST_MAX_BYTES = 512 * 1024;

export interface PortIngestOptions {
  webhookUrl: string;
  /** The webhook's signing secret: Port refuses unsigned requests once the webhook has one. */
  signingSecret?: string;
  timeoutMs: number;
  policy?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export class PortIngestWriter {
  private readonly http: HttpClient;
  requests = 0;

  constructor(private readonly opts: PortIngestOptions) {
    this.http = new HttpClient({ service: 'port-ingest', timeoutMs: opts.timeoutMs, maxSockets: 4, policy: opts.policy, redact: redactSecretUrl, onRetry: opts.onRetry });
  }

  /** Ingest answers 202 before writing: per-entity failures show in Port's event log, not here. */
  async upsert(entities: readonly PortEntity[], deadline: Deadline): Promise<void> {
    for (const body of requestBodies(entities)) {
      this.requests += 1;
      const data = Buffer.from(body);
      // Signed over the exact bytes sent, as the forwarder signs (shared/webhook-signature.ts).
      const signature: Record<string, string> = this.opts.signingSecret ? { [SIGNATURE.headerName]: signatureOf(data, this.opts.signingSecret) } : {};
      await this.http.request({ method: 'POST', url: this.opts.webhookUrl, data, headers: { 'content-type': 'application/json', ...signature }, deadline });
    }
  }

  close(): void {
    this.http.close();
  }
}

/** Packs items in order into bodies of ≤ 500 items and ≤ 512 KiB. */
function requestBodies(entities: readonly PortEntity[], newId: () => string = randomUUID): string[] {
  const bodies: string[] = [];
  let items: string[] = [];
  let bytes = 0;
  const head = (): string => `{"id":"${newId()}","source":"${INGEST_SOURCE}","items":[`;
  const ENVELOPE = Buffer.byteLength(head()) + 2;
  const flush = (): void => {
    if (items.length) bodies.push(`${head()}${items.join(',')}]}`);
    items = [];
    bytes = 0;
  };
  for (const e of entities) {
    const item = JSON.stringify(e);
    const size = Buffer.byteLength(item) + 1;
    if (items.length >= INGEST_MAX_ITEMS || (items.length > 0 && ENVELOPE + bytes + size > INGEST_MAX_BYTES)) flush();
    items.push(item);
    bytes += size;
  }
  flush();
  return bodies;
}
