import { randomUUID } from 'node:crypto';
import type { Deadline, RetryPolicy } from '../../../shared/http/retry';
import { PortIngestClient } from '../../../shared/port-ingest';
import type { PortEntity } from '../../../port/mappings/definitions';

/**
 * Writes through the webhook's ingest URL as pre-formatted entities (the webhook's entity
 * mappings write each key an item has, and nothing else): up to 500 items and 512 KiB per
 * request, the same envelope as the forwarder's (`{id, source, items}`; the id is unique per
 * request, so Port's de-duplication by `.body.id` never drops a resync write). The HTTP side,
 * signing included, is the forwarder's client (shared/port-ingest.ts).
 */
const INGEST_SOURCE = 'halo-jira-port/portResync';
const INGEST_MAX_ITEMS = 500;
const INGEST_MAX_BYTES = 512 * 1024;

export interface IngestWriterOptions {
  webhookUrl: string;
  /** The webhook's signing secret: Port refuses unsigned requests once the webhook has one. */
  signingSecret?: string;
  timeoutMs: number;
  policy?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export class PortIngestWriter {
  private readonly ingest: PortIngestClient;
  requests = 0;

  constructor(opts: IngestWriterOptions) {
    this.ingest = new PortIngestClient({ ...opts, maxSockets: 4 });
  }

  /** Ingest answers 202 before writing: per-entity failures show in Port's event log, not here. */
  async upsert(entities: readonly PortEntity[], deadline: Deadline): Promise<void> {
    for (const body of requestBodies(entities)) {
      this.requests += 1;
      await this.ingest.post({ body }, deadline);
    }
  }

  close(): void {
    this.ingest.close();
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
