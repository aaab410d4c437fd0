import { createHash } from 'node:crypto';

/**
 * The decided forwarder → Port ingest wire format (docs/portForwarder.md):
 * `{ "id": <sha256 of item ids>, "source": WIRE_SOURCE, "items": [ <record payload>, ... ] }`.
 */
export const WIRE_SOURCE = 'halo-jira-port/portForwarder';
export const MAX_ITEMS_PER_REQUEST = 500;
export const MAX_REQUEST_BYTES = 512 * 1024;

const HEAD = (id: string): string => `{"id":"${id}","source":"${WIRE_SOURCE}","items":[`;
const TAIL = ']}';

/** Bytes the envelope adds around the items (the id is always 64 hex chars). */
export const ENVELOPE_BYTES = Buffer.byteLength(HEAD('0'.repeat(64)) + TAIL);

/** Deterministic: an identical redelivered batch gets the same id, so Port drops the repeat. */
export function requestId(itemIds: readonly string[]): string {
  return createHash('sha256').update(itemIds.join(',')).digest('hex');
}

/**
 * The request body. Items are the records' JSON texts spliced in verbatim: each payload reaches
 * Port unchanged and is never parsed or serialised twice.
 */
export function requestBody(id: string, itemJsons: readonly string[]): string {
  return `${HEAD(id)}${itemJsons.join(',')}${TAIL}`;
}
