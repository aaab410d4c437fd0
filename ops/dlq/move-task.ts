import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type ListMessageMoveTasksResultEntry } from '@aws-sdk/client-sqs';
import type { Sqs } from './peek';

/**
 * Replay by SQS's own message move task (StartMessageMoveTask): server-side, no per-message
 * traffic through this machine. Messages keep their attributes as they are. Local emulators may
 * not implement it; `UNSUPPORTED` then lets the caller fall back to replay by copy.
 */
export const UNSUPPORTED = Symbol('move task unsupported');

export interface MoveTaskStatus {
  status: string;
  moved: number;
  toMove?: number;
  failureReason?: string;
  taskHandle?: string;
}

/** Errors that mean "this endpoint has no move task" rather than "this move failed". */
function isUnsupported(err: unknown): boolean {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (/^(UnsupportedOperation|InvalidAction|UnknownOperation(Exception)?|NotImplemented|AWS\.SimpleQueueService\.UnsupportedOperation)$/.test(e.name ?? '')) return true;
  // An emulator without the action answers with an HTML error page the SDK cannot parse.
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (status === 501 || status >= 500 || status === 404) && (e.name === 'SyntaxError' || /Deserialization error|not (yet )?implemented/i.test(e.message ?? ''));
}

const toStatus = (t: ListMessageMoveTasksResultEntry): MoveTaskStatus => ({
  status: t.Status ?? 'UNKNOWN',
  moved: t.ApproximateNumberOfMessagesMoved ?? 0,
  toMove: t.ApproximateNumberOfMessagesToMove,
  failureReason: t.FailureReason,
  taskHandle: t.TaskHandle,
});

export async function latestMoveTask(sqs: Sqs, dlqArn: string): Promise<MoveTaskStatus | undefined | typeof UNSUPPORTED> {
  try {
    const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
    const t = out.Results?.[0];
    return t ? toStatus(t) : undefined;
  } catch (err) {
    if (isUnsupported(err)) return UNSUPPORTED;
    throw err;
  }
}

/** `ratePerSecond`: SQS paces the move itself (MaxNumberOfMessagesPerSecond, at most 500). */
export async function startMoveTask(sqs: Sqs, dlqArn: string, eventsQueueArn: string, ratePerSecond?: number): Promise<string | typeof UNSUPPORTED> {
  try {
    const MaxNumberOfMessagesPerSecond = ratePerSecond === undefined ? undefined : Math.min(500, ratePerSecond);
    const out = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: eventsQueueArn, MaxNumberOfMessagesPerSecond }));
    return out.TaskHandle ?? '';
  } catch (err) {
    if (isUnsupported(err)) return UNSUPPORTED;
    throw err;
  }
}

/** Polls until the task leaves RUNNING; `onProgress` sees each poll. */
export async function waitForMoveTask(
  sqs: Sqs,
  dlqArn: string,
  opts: { pollMs: number; sleep: (ms: number) => Promise<void>; onProgress?: (s: MoveTaskStatus) => void },
): Promise<MoveTaskStatus> {
  for (;;) {
    const s = await latestMoveTask(sqs, dlqArn);
    if (s === UNSUPPORTED || s === undefined) return { status: 'UNKNOWN', moved: 0 };
    opts.onProgress?.(s);
    if (s.status !== 'RUNNING' && s.status !== 'CANCELLING') return s;
    await opts.sleep(opts.pollMs);
  }
}
