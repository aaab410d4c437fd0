import type { SQSBatchResponse } from 'aws-lambda';
import { HttpError, RetryableError, reasonOf } from '../../shared/errors';
import type { FailureCause } from './retry-budget';

/**
 * Pure decisions about what a failed Port request means for the records in it, and how the
 * per-record outcomes become the SQS partial-batch response.
 */
export type FailureVerdict =
  /** Network, timeout, 408, 429, 5xx (retries exhausted or deadline near): let SQS redeliver. */
  | { kind: 'transient'; reason: string }
  /** Port refused our credentials (401, 403: a missing or wrong signature): not the records' fault; retry and alarm. */
  | { kind: 'credentials'; reason: string }
  /** The webhook itself is unknown (404, 410): every item would fail alike; dead-letter, replay once fixed. */
  | { kind: 'request-wide'; reason: string }
  /** Port refused this payload (400, 413, 422…): one item may be the culprit, isolate it. */
  | { kind: 'isolate'; reason: string };

const CREDENTIAL_STATUS = new Set([401, 403]);
const WEBHOOK_LEVEL_STATUS = new Set([404, 410]);

export function classifyFailure(err: unknown): FailureVerdict {
  const reason = reasonOf(err);
  if (err instanceof RetryableError) return { kind: 'transient', reason };
  if (err instanceof HttpError) {
    if (CREDENTIAL_STATUS.has(err.status)) return { kind: 'credentials', reason };
    return WEBHOOK_LEVEL_STATUS.has(err.status) ? { kind: 'request-wide', reason } : { kind: 'isolate', reason };
  }
  // Anything unexpected is not proof the payload is bad: keep the record for redelivery.
  return { kind: 'transient', reason };
}

export type RecordOutcome =
  | { kind: 'delivered' }
  /** Put back on the queue (with a delay when the queue could be told). */
  | { kind: 'transient'; reason: string; cause: FailureCause }
  | { kind: 'dead-lettered'; reason: string }
  /** Had to be dead-lettered but the DLQ send failed: redeliver rather than lose it. */
  | { kind: 'dead-letter-failed'; reason: string };

/** Every record not positively settled (delivered or dead-lettered) is reported for redelivery. */
export function batchResponse(messageIds: readonly string[], outcomes: ReadonlyMap<string, RecordOutcome>): SQSBatchResponse {
  return {
    batchItemFailures: messageIds
      .filter((id) => {
        const o = outcomes.get(id);
        return o === undefined || (o.kind !== 'delivered' && o.kind !== 'dead-lettered');
      })
      .map((itemIdentifier) => ({ itemIdentifier })),
  };
}
