import type { SqsRecordLike } from './triage';

/**
 * Pure decision for a record that did not get through this time: put it back on the queue with a
 * growing delay (ChangeMessageVisibility), or dead-letter it now with its last reason.
 *
 * SQS redrive stays a backstop only: on the last receive before redrive would move the record
 * without a reason (receiveCount ≥ maxReceiveCount), the forwarder dead-letters it itself.
 * The math is in docs/portForwarder.md#retry-budget.
 */
export interface RetrySchedule {
  /** How long a transient outage may last before a record is dead-lettered. */
  budgetSeconds: number;
  /** Delay after the first failed receive; doubles on each further receive. */
  firstDelaySeconds: number;
  /** Cap of one delay (also bounds how late a record arrives after an outage ends). */
  maxDelaySeconds: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { budgetSeconds: 6 * 3600, firstDelaySeconds: 30, maxDelaySeconds: 1800 };

/** SQS rejects a visibility timeout above 12 h; keep a minute of room for this invocation. */
export const MAX_VISIBILITY_SECONDS = 43_200 - 60;

/**
 * - `transient`: Port or the network failed (5xx, 429, timeout, not attempted before the deadline);
 *   spends the time budget.
 * - `credentials`: Port refused our webhook credentials (401/403): not the record's fault, so the
 *   budget does not run out; it waits for an operator (alarm) until the redrive backstop.
 */
export type FailureCause = 'transient' | 'credentials';

export interface FailedReceive {
  /** ApproximateReceiveCount of this delivery (1 = first). */
  receiveCount: number;
  /** When the record was first received (epoch ms), if SQS said. */
  firstReceivedAtMs?: number;
  nowMs: number;
  /** The queue's redrive maxReceiveCount, when known. */
  maxReceiveCount?: number;
  cause: FailureCause;
  reason: string;
}

export type Redelivery =
  | { kind: 'retry'; delaySeconds: number }
  | { kind: 'dead-letter'; errorClass: 'RetryBudgetExhausted' | 'LastReceive'; reason: string };

export function planRedelivery(f: FailedReceive, s: RetrySchedule = DEFAULT_RETRY_SCHEDULE): Redelivery {
  const receives = Math.max(1, Math.floor(f.receiveCount) || 1);
  const elapsedMs = Math.max(0, f.nowMs - (f.firstReceivedAtMs ?? f.nowMs));
  if (f.maxReceiveCount !== undefined && receives >= f.maxReceiveCount) {
    return {
      kind: 'dead-letter',
      errorClass: 'LastReceive',
      reason: clip(`last receive (${receives} of maxReceiveCount ${f.maxReceiveCount}) after ${duration(elapsedMs)}: ${f.reason}`),
    };
  }
  const budgetMs = s.budgetSeconds * 1000;
  if (f.cause === 'transient' && elapsedMs >= budgetMs) {
    return {
      kind: 'dead-letter',
      errorClass: 'RetryBudgetExhausted',
      reason: clip(`retry budget of ${duration(budgetMs)} spent (${receives} receives over ${duration(elapsedMs)}): ${f.reason}`),
    };
  }
  const growth = s.firstDelaySeconds * 2 ** Math.min(receives - 1, 30);
  let delay = Math.min(growth, s.maxDelaySeconds, MAX_VISIBILITY_SECONDS);
  // The next receive lands at the end of the budget, not a whole delay after it.
  if (f.cause === 'transient') delay = Math.min(delay, Math.ceil((budgetMs - elapsedMs) / 1000));
  return { kind: 'retry', delaySeconds: Math.max(0, Math.floor(delay)) };
}

/** The receive facts of a Lambda SQS record (attributes are strings, possibly absent). */
export function receiveOf(record: SqsRecordLike): { receiveCount: number; firstReceivedAtMs?: number } {
  const count = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  const first = Number(record.attributes?.ApproximateFirstReceiveTimestamp ?? '');
  return { receiveCount: Number.isFinite(count) && count >= 1 ? count : 1, ...(first > 0 ? { firstReceivedAtMs: first } : {}) };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m` : `${Math.floor(m / 60)}h${m % 60 ? `${m % 60}m` : ''}`;
}

const clip = (text: string): string => (text.length > 1000 ? `${text.slice(0, 997)}...` : text);
