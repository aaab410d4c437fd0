import type { Accepted } from './triage';
import { ENVELOPE_BYTES, MAX_ITEMS_PER_REQUEST, MAX_REQUEST_BYTES, requestBody, requestId } from './wire';

/** One POST to Port ingest: its wire id, body and the records it carries. */
export interface IngestRequest {
  id: string;
  body: string;
  items: readonly Accepted[];
}

export interface BatchLimits {
  maxItems: number;
  maxBytes: number;
}

export const WIRE_LIMITS: BatchLimits = { maxItems: MAX_ITEMS_PER_REQUEST, maxBytes: MAX_REQUEST_BYTES };

function toRequest(items: readonly Accepted[]): IngestRequest {
  const id = requestId(items.map((i) => i.itemId));
  return { id, body: requestBody(id, items.map((i) => i.json)), items };
}

/**
 * Packs items, in order, into as few requests as the limits allow. Every item must fit a request
 * on its own (triage rejects the ones that do not).
 */
export function planRequests(items: readonly Accepted[], limits: BatchLimits = WIRE_LIMITS): IngestRequest[] {
  const requests: IngestRequest[] = [];
  let current: Accepted[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const item of items) {
    const added = item.bytes + (current.length > 0 ? 1 : 0); // the comma
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + added > limits.maxBytes)) {
      requests.push(toRequest(current));
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += item.bytes + (current.length > 0 ? 1 : 0);
    current.push(item);
  }
  if (current.length > 0) requests.push(toRequest(current));
  return requests;
}

/** Halves of a request Port refused, so a bad item cannot condemn its batch-mates. */
export function splitRequest(req: IngestRequest): [IngestRequest, IngestRequest] {
  const mid = Math.ceil(req.items.length / 2);
  return [toRequest(req.items.slice(0, mid)), toRequest(req.items.slice(mid))];
}
