import type { SQSBatchResponse } from 'aws-lambda';
import type { Deadline } from '../../shared/http/retry';
import { reasonOf } from '../../shared/errors';
import { planRequests, splitRequest, WIRE_LIMITS, type BatchLimits, type IngestRequest } from './batching';
import type { DeadLetter, DeadLetterQueue } from './dead-letter';
import { batchResponse, classifyFailure, type FailureVerdict, type RecordOutcome } from './outcomes';
import type { Redeliveries } from './redelivery';
import { planRedelivery, receiveOf, type RetrySchedule } from './retry-budget';
import { triage, type Accepted, type SqsRecordLike } from './triage';

/**
 * One invocation: triage every record, pack the good ones into wire-format requests, send them
 * with bounded concurrency, dead-letter the permanently bad, and put the rest back on the queue
 * with a growing delay until their retry budget is spent (then dead-letter them with the reason).
 */
export interface PortIngest {
  /** Resolves on 2xx; throws RetryableError (transient) or HttpError (Port refused it). */
  post(req: IngestRequest, deadline: Deadline): Promise<void>;
}

export interface ForwardDeps {
  ingest: PortIngest;
  deadLetters: DeadLetterQueue;
  /** Time budget for Port requests; the margin after it is left for dead-lettering. */
  deadline: Deadline;
  concurrency: number;
  limits?: BatchLimits;
  /** Delayed redelivery and the retry budget; without it failed records return after the queue's visibility timeout. */
  redeliveries?: Redeliveries;
  retry?: RetrySchedule;
  now?: () => number;
  onError?: (message: string, details: Record<string, unknown>) => void;
  /** Once per failed Port request, with its (already redacted) reason. */
  onRequestFailed?: (failure: { verdict: FailureVerdict['kind']; reason: string; items: number }) => void;
}

export interface ForwardReport {
  response: SQSBatchResponse;
  delivered: number;
  deadLettered: number;
  /** Records reported in batchItemFailures. */
  failed: number;
  /** Failed records put back on the queue with a delay (within their retry budget). */
  redelivered: number;
  /** Port requests refused for our credentials (401/403). */
  authRejected: number;
  requests: number;
}

export async function forwardRecords(records: readonly SqsRecordLike[], deps: ForwardDeps): Promise<ForwardReport> {
  const outcomes = new Map<string, RecordOutcome>();
  const byId = new Map(records.map((r) => [r.messageId, r]));
  const sources = new Map<string, string>();
  const letters: DeadLetter[] = [];
  let requests = 0;
  let authRejected = 0;
  let redelivered = 0;
  try {
    const accepted: Accepted[] = [];
    for (const record of records) {
      const t = triage(record);
      sources.set(record.messageId, t.source);
      if (t.kind === 'reject') letters.push({ record, reason: t.reason, errorClass: t.errorClass, source: t.source });
      else accepted.push(t);
    }

    const condemn = (items: readonly Accepted[], reason: string): void => {
      for (const i of items) {
        const record = byId.get(i.messageId);
        if (record) letters.push({ record, reason, errorClass: 'PortRejected', source: i.source });
      }
    };
    const deliver = async (req: IngestRequest): Promise<IngestRequest[]> => {
      requests++;
      try {
        await deps.ingest.post(req, deps.deadline);
        for (const i of req.items) outcomes.set(i.messageId, { kind: 'delivered' });
        return [];
      } catch (err) {
        const verdict = classifyFailure(err);
        deps.onRequestFailed?.({ verdict: verdict.kind, reason: verdict.reason, items: req.items.length });
        if (verdict.kind === 'transient' || verdict.kind === 'credentials') {
          if (verdict.kind === 'credentials') authRejected++;
          const cause = verdict.kind === 'credentials' ? 'credentials' : 'transient';
          for (const i of req.items) outcomes.set(i.messageId, { kind: 'transient', reason: verdict.reason, cause });
        } else if (verdict.kind === 'isolate' && req.items.length > 1) {
          return splitRequest(req);
        } else {
          condemn(req.items, verdict.reason);
        }
        return [];
      }
    };
    await runPool(planRequests(accepted, deps.limits ?? WIRE_LIMITS), deps.concurrency, deliver);

    // Whatever is neither delivered nor condemned goes back to the queue: with a delay, or — out of
    // budget, or on its last receive before SQS redrive — to the DLQ with its last reason.
    const lettered = new Set(letters.map((l) => l.record.messageId));
    const pending = records.filter((r) => !lettered.has(r.messageId) && outcomes.get(r.messageId)?.kind !== 'delivered');
    for (const r of pending) {
      if (!outcomes.has(r.messageId)) outcomes.set(r.messageId, { kind: 'transient', reason: 'not sent: the invocation deadline came first', cause: 'transient' });
    }
    const changes: Array<{ record: SqsRecordLike; seconds: number }> = [];
    if (deps.redeliveries && pending.length > 0) {
      const maxReceiveCount = await deps.redeliveries.maxReceiveCount(pending[0] as SqsRecordLike);
      const nowMs = (deps.now ?? Date.now)();
      for (const record of pending) {
        const failure = outcomes.get(record.messageId) as Extract<RecordOutcome, { kind: 'transient' }>;
        const plan = planRedelivery({ ...receiveOf(record), nowMs, maxReceiveCount, cause: failure.cause, reason: failure.reason }, deps.retry);
        if (plan.kind === 'retry') changes.push({ record, seconds: plan.delaySeconds });
        else letters.push({ record, reason: plan.reason, errorClass: plan.errorClass, source: sources.get(record.messageId) ?? 'unknown' });
      }
    }

    if (letters.length > 0) {
      const unsent = await deps.deadLetters.send(letters);
      for (const l of letters) {
        const id = l.record.messageId;
        outcomes.set(id, unsent.has(id) ? { kind: 'dead-letter-failed', reason: l.reason } : { kind: 'dead-lettered', reason: l.reason });
      }
    }
    if (changes.length > 0) {
      await deps.redeliveries?.delay(changes);
      redelivered = changes.length;
    }
  } catch (err) {
    // Never lose records: whatever is not settled yet is reported for redelivery below.
    deps.onError?.('forwarding failed unexpectedly; unsettled records will be redelivered', { error: reasonOf(err) });
  }
  const response = batchResponse([...byId.keys()], outcomes);
  const count = (k: RecordOutcome['kind']): number => [...outcomes.values()].filter((o) => o.kind === k).length;
  return {
    response,
    delivered: count('delivered'),
    deadLettered: count('dead-lettered'),
    failed: response.batchItemFailures.length,
    redelivered,
    authRejected,
    requests,
  };
}

/** Runs `work` over a queue that work may extend (split requests), at most `limit` at a time. */
export async function runPool<T>(initial: readonly T[], limit: number, work: (t: T) => Promise<T[]>): Promise<void> {
  const queue = [...initial];
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (queue.length === 0 && active === 0) {
        resolve();
        return;
      }
      while (active < Math.max(1, limit) && queue.length > 0) {
        const next = queue.shift() as T;
        active++;
        work(next).then(
          (more) => {
            active--;
            queue.push(...more);
            pump();
          },
          reject,
        );
      }
    };
    pump();
  });
}
