import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTE } from '../../functions/portForwarder/dead-letter';

/**
 * Pure reading of one dead-lettered SQS message: who put it there, why, from which source, how
 * long ago, and which attributes it should carry when it is replayed onto the events queue.
 */

/** Attributes portForwarder sets when it dead-letters a record. */
const FORWARDER_ATTRIBUTE = DEAD_LETTER_ATTRIBUTE;

/** Attributes EventBridge adds to an event it could not deliver to its target (rule-dlq docs). */
const EVENTBRIDGE_ATTRIBUTE = {
  ruleArn: 'RULE_ARN',
  targetArn: 'TARGET_ARN',
  errorCode: 'ERROR_CODE',
  errorMessage: 'ERROR_MESSAGE',
  exhaustedRetryCondition: 'EXHAUSTED_RETRY_CONDITION',
  retryAttempts: 'RETRY_ATTEMPTS',
} as const;

/** Set by `dlq replay` on what it puts back, so a record that keeps failing shows how often it was retried. */
const REPLAY_COUNT_ATTRIBUTE = 'replayCount';

/** Attributes that describe the failure: meaningless once the message is back on the events queue. */
const FAILURE_ATTRIBUTES: ReadonlySet<string> = new Set([
  FORWARDER_ATTRIBUTE.reason,
  FORWARDER_ATTRIBUTE.errorClass,
  FORWARDER_ATTRIBUTE.receiveCount,
  ...Object.values(EVENTBRIDGE_ATTRIBUTE),
]);

/**
 * - `forwarder`: dead-lettered by portForwarder for a permanent reason (attributes say which);
 * - `eventbridge`: EventBridge could not deliver the event to the events queue;
 * - `redrive`: moved by SQS after maxReceiveCount receives; SQS records no reason.
 */
type LetterKind = 'forwarder' | 'eventbridge' | 'redrive';

export const REDRIVE_REASON = 'no reason recorded: moved by SQS redrive after maxReceiveCount failed receives (transient failures, or the function crashed/timed out)';

export interface Letter {
  messageId: string;
  kind: LetterKind;
  /** One line: why it is here. */
  reason: string;
  errorClass?: string;
  /** EventBridge source (aws.ec2…) or Port blueprint; '-' when the body names none. */
  source: string;
  /** When it first failed (forwarder attribute) or was first sent (SQS SentTimestamp). */
  since?: Date;
  ageMs?: number;
  /** Receives before it was dead-lettered (forwarder attribute), else SQS's own count (peeks included). */
  receiveCount?: number;
  replayCount: number;
  originalMessageId?: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

const text = (attrs: Record<string, MessageAttributeValue>, name: string): string | undefined => {
  const v = attrs[name]?.StringValue;
  return v === undefined || v === '' || v === '-' ? undefined : v;
};

const count = (v: string | undefined): number | undefined => {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
};

/** The source an event (`source`) or a Port entity (`blueprint`) names in its body. */
function sourceOfBody(body: string): string | undefined {
  try {
    const p = JSON.parse(body) as unknown;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return undefined;
    const o = p as Record<string, unknown>;
    const s = o.source ?? o.blueprint;
    return typeof s === 'string' && s !== '' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function readLetter(message: Message, now: Date): Letter {
  const attributes = message.MessageAttributes ?? {};
  const system = message.Attributes ?? {};
  const reason = text(attributes, FORWARDER_ATTRIBUTE.reason);
  const ebCode = text(attributes, EVENTBRIDGE_ATTRIBUTE.errorCode);
  const ebRule = text(attributes, EVENTBRIDGE_ATTRIBUTE.ruleArn);
  const kind: LetterKind = reason !== undefined ? 'forwarder' : ebCode !== undefined || ebRule !== undefined ? 'eventbridge' : 'redrive';

  const firstFailure = Date.parse(text(attributes, FORWARDER_ATTRIBUTE.firstFailureTime) ?? '');
  const sent = Number(system.SentTimestamp);
  const sinceMs = !Number.isNaN(firstFailure) ? firstFailure : Number.isFinite(sent) && sent > 0 ? sent : undefined;
  const since = sinceMs === undefined ? undefined : new Date(sinceMs);

  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '?',
    kind,
    reason: kind === 'forwarder' ? (reason as string) : kind === 'eventbridge' ? eventBridgeReason(attributes) : REDRIVE_REASON,
    errorClass: kind === 'forwarder' ? text(attributes, FORWARDER_ATTRIBUTE.errorClass) : kind === 'eventbridge' ? ebCode : undefined,
    source: text(attributes, FORWARDER_ATTRIBUTE.source) ?? sourceOfBody(body) ?? '-',
    since,
    ageMs: since === undefined ? undefined : Math.max(0, now.getTime() - since.getTime()),
    receiveCount:
      kind === 'forwarder'
        ? count(text(attributes, FORWARDER_ATTRIBUTE.receiveCount))
        : count(system.ApproximateReceiveCount),
    replayCount: count(text(attributes, REPLAY_COUNT_ATTRIBUTE)) ?? 0,
    originalMessageId: text(attributes, FORWARDER_ATTRIBUTE.originalMessageId),
    body,
    attributes,
  };
}

function eventBridgeReason(attributes: Record<string, MessageAttributeValue>): string {
  const code = text(attributes, EVENTBRIDGE_ATTRIBUTE.errorCode) ?? 'no ERROR_CODE';
  const message = text(attributes, EVENTBRIDGE_ATTRIBUTE.errorMessage);
  const retries = text(attributes, EVENTBRIDGE_ATTRIBUTE.retryAttempts);
  return `EventBridge could not deliver to the events queue: ${code}${message ? ` ${message}` : ''}${retries ? ` (after ${retries} retries)` : ''}`;
}

/**
 * What a replayed message carries: its own attributes minus the failure description, plus the
 * replay count. `firstFailureTime` and `originalMessageId` stay, so a second failure keeps history.
 */
export function replayAttributes(letter: Letter): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(letter.attributes)) {
    if (FAILURE_ATTRIBUTES.has(name) || name === REPLAY_COUNT_ATTRIBUTE) continue;
    out[name] = value.BinaryValue !== undefined
      ? { DataType: value.DataType, BinaryValue: value.BinaryValue }
      : { DataType: value.DataType, StringValue: value.StringValue };
  }
  out[REPLAY_COUNT_ATTRIBUTE] = { DataType: 'Number', StringValue: String(letter.replayCount + 1) };
  return out;
}
