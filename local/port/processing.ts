import { evaluatePath, evaluateWebhook, type EntityChange, type MappingFailure } from '../../port/mappings/evaluate';
import type { Catalog, ChangeFailure } from './catalog';
import type { Webhook } from './webhooks';

/**
 * What Port does after answering 202: de-duplicate by `security.requestIdentifierPath`, apply the
 * webhook's mappings with jq, and write the entities. One request at a time, in arrival order.
 */
export interface ProcessedRequest {
  webhook: string;
  requestId: unknown;
  /** Already-seen request id: accepted and not processed again. */
  duplicate: boolean;
  /** The webhook was disabled: accepted and dropped. */
  dropped: boolean;
  changes: EntityChange[];
  mappingFailures: MappingFailure[];
  writeFailures: ChangeFailure[];
}

export class Processor {
  readonly processed: ProcessedRequest[] = [];
  private readonly seen = new Map<string, Set<string>>();
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly catalog: Catalog) {}

  enqueue(hook: Webhook, body: unknown, headers: Record<string, string>): void {
    this.pending += 1;
    this.tail = this.tail
      .then(() => this.process(hook, body, headers))
      .catch((err: unknown) => {
        this.processed.push({ webhook: hook.identifier, requestId: null, duplicate: false, dropped: false, changes: [], mappingFailures: [{ mapping: -1, item: null, error: String(err) }], writeFailures: [] });
      })
      .finally(() => {
        this.pending -= 1;
      });
  }

  /** Resolves once every accepted request has been processed. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }

  reset(): void {
    this.processed.length = 0;
    this.seen.clear();
  }

  private async process(hook: Webhook, body: unknown, headers: Record<string, string>): Promise<void> {
    const record: ProcessedRequest = { webhook: hook.identifier, requestId: null, duplicate: false, dropped: !hook.enabled, changes: [], mappingFailures: [], writeFailures: [] };
    this.processed.push(record);
    if (!hook.enabled) return;
    const request = { body, headers, queryParams: {} };
    const idPath = hook.security.requestIdentifierPath;
    if (idPath) {
      record.requestId = await evaluatePath(idPath, request);
      if (record.requestId !== null) {
        const seen = this.seen.get(hook.identifier) ?? new Set<string>();
        this.seen.set(hook.identifier, seen);
        const key = JSON.stringify(record.requestId);
        if (seen.has(key)) {
          record.duplicate = true;
          return;
        }
        seen.add(key);
      }
    }
    const { changes, failures } = await evaluateWebhook(hook.mappings, request);
    record.changes = changes;
    record.mappingFailures = failures;
    for (const change of changes) {
      const failure = this.catalog.apply(change);
      if (failure) record.writeFailures.push(failure);
    }
  }
}
