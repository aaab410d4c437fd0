import { MAX_REQUEST_BYTES, ENVELOPE_BYTES } from './wire';

/**
 * Pure triage of one SQS record: is its body a pre-formatted Port entity, a raw EventBridge
 * event, or something that can never be delivered (→ dead-letter with this reason)?
 */
export interface SqsRecordLike {
  messageId: string;
  body: string;
  /** Needed to delay a redelivery (ChangeMessageVisibility); Lambda always sets both. */
  receiptHandle?: string;
  eventSourceARN?: string;
  attributes?: { ApproximateReceiveCount?: string; ApproximateFirstReceiveTimestamp?: string };
  messageAttributes?: Record<string, { stringValue?: string | undefined } | undefined>;
}

export interface Accepted {
  kind: 'event' | 'entity';
  messageId: string;
  /** Event `id`, or for an entity the SQS messageId: what the request id is derived from. */
  itemId: string;
  /** The body exactly as received (trimmed), spliced into the request. */
  json: string;
  bytes: number;
  /** Event source or entity blueprint, for logs and DLQ attributes. */
  source: string;
}

interface Rejected {
  kind: 'reject';
  messageId: string;
  reason: string;
  errorClass: RejectClass;
  source: string;
}

export type RejectClass = 'EmptyBody' | 'InvalidJson' | 'UnknownPayload' | 'PayloadTooLarge' | 'PortRejected';
export type Triage = Accepted | Rejected;

/** The largest item that still fits a request on its own. */
export const MAX_ITEM_BYTES = MAX_REQUEST_BYTES - ENVELOPE_BYTES;

// What Port mappings read; the other envelope fields are checked only when present (moto omits `account`).
const EVENT_REQUIRED_STRINGS = ['id', 'detail-type', 'source'] as const;
const EVENT_OPTIONAL_STRINGS = ['version', 'account', 'time', 'region'] as const;
const ENTITY_STRING_FIELDS = ['title', 'icon'] as const;
const ENTITY_OBJECT_FIELDS = ['properties', 'relations'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function triage(record: SqsRecordLike): Triage {
  const reject = (errorClass: RejectClass, reason: string, source = 'unknown'): Rejected => ({
    kind: 'reject',
    messageId: record.messageId,
    errorClass,
    reason: reason.length > 256 ? `${reason.slice(0, 253)}...` : reason,
    source,
  });
  const json = (record.body ?? '').trim();
  if (json === '') return reject('EmptyBody', 'body is empty');
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (err) {
    return reject('InvalidJson', `body is not JSON: ${(err as Error).message}`.slice(0, 256));
  }
  if (!isObject(payload)) return reject('UnknownPayload', `body is a JSON ${Array.isArray(payload) ? 'array' : typeof payload}, not an object`);

  const shape = 'blueprint' in payload || 'identifier' in payload ? entityProblems(payload) : eventProblems(payload);
  const source = String(payload.blueprint ?? payload.source ?? 'unknown').slice(0, 256);
  if (shape.problems.length > 0) {
    return reject('UnknownPayload', `neither a Port entity nor an EventBridge event: ${shape.kind} field(s) missing or invalid: ${shape.problems.join(', ')}`, source);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ITEM_BYTES) {
    return reject('PayloadTooLarge', `payload is ${bytes} bytes; a Port ingest request holds at most ${MAX_REQUEST_BYTES} bytes`, source);
  }
  const itemId = shape.kind === 'event' ? (payload.id as string) : record.messageId;
  return { kind: shape.kind, messageId: record.messageId, itemId, json, bytes, source };
}

function eventProblems(p: Json): { kind: 'event'; problems: string[] } {
  const problems: string[] = [];
  for (const f of EVENT_REQUIRED_STRINGS) if (!nonEmpty(p[f])) problems.push(`${f} (string)`);
  for (const f of EVENT_OPTIONAL_STRINGS) if (p[f] !== undefined && typeof p[f] !== 'string') problems.push(`${f} (string)`);
  if (p.resources !== undefined && !Array.isArray(p.resources)) problems.push('resources (array)');
  if (!isObject(p.detail)) problems.push('detail (object)');
  return { kind: 'event', problems };
}

function entityProblems(p: Json): { kind: 'entity'; problems: string[] } {
  const problems: string[] = [];
  if (!nonEmpty(p.blueprint)) problems.push('blueprint (string)');
  if (!nonEmpty(p.identifier)) problems.push('identifier (string)');
  for (const f of ENTITY_STRING_FIELDS) if (p[f] !== undefined && typeof p[f] !== 'string') problems.push(`${f} (string)`);
  for (const f of ENTITY_OBJECT_FIELDS) if (p[f] !== undefined && !isObject(p[f])) problems.push(`${f} (object)`);
  const team = p.team;
  if (team !== undefined && typeof team !== 'string' && !(Array.isArray(team) && team.every((t) => typeof t === 'string'))) {
    problems.push('team (string or string array)');
  }
  if (p.operation !== undefined && p.operation !== 'delete') problems.push('operation ("delete" or absent)');
  return { kind: 'entity', problems };
}
