import { DeleteMessageBatchCommand, SendMessageBatchCommand, type Message } from '@aws-sdk/client-sqs';
import { AppError } from '../../shared/errors';
import type { LetterFilter } from './filter';
import { readLetter, replayAttributes, type Letter } from './letter';
import { receive, release, type ReceiveOptions, type Sqs } from './peek';

/**
 * Replay by copy: receive from the DLQ → send to the events queue (body and attributes, minus the
 * failure description, plus a replay count) → delete from the DLQ only for what was sent.
 * A crash between send and delete can duplicate a message (Port upserts the same entity again);
 * no path deletes a message that was not sent, so none is lost.
 */
export interface CopyOptions {
  filter: LetterFilter;
  limit: number;
  dryRun: boolean;
  now: Date;
  receive: ReceiveOptions;
  /** Replay pace in messages per second (a burst of replays would hit Port's rate limit). */
  ratePerSecond: number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
  onMoved?: (letter: Letter) => void;
}

export interface CopyReport {
  matched: Letter[];
  moved: Letter[];
  /** Not sent (the events queue refused them): still in the DLQ, visible again. */
  failed: Array<{ letter: Letter; error: string }>;
  /** Received but not matching the filter (or over the limit): handed back untouched. */
  skipped: number;
}

export const REPLAY_DEFAULTS: ReceiveOptions = { holdSeconds: 120, waitSeconds: 1 };
/** A few forwarder batches per second: far below Port's per-organisation rate limit. */
export const DEFAULT_REPLAY_RATE = 10;

/**
 * Keeps an average of at most `ratePerSecond` messages: before sending n more, waits until the
 * messages sent so far fit the rate since the start.
 */
export function pacer(ratePerSecond: number, sleep: (ms: number) => Promise<void>, clock: () => number = Date.now) {
  const start = clock();
  let sent = 0;
  return async (n: number): Promise<void> => {
    const due = start + (sent / ratePerSecond) * 1000;
    const wait = due - clock();
    if (wait > 0) await sleep(wait);
    sent += n;
  };
}

/** Sent to the events queue but not deleted from the DLQ: they will reappear there. */
class PartialReplayError extends AppError {}

export async function replayByCopy(sqs: Sqs, dlqUrl: string, eventsQueueUrl: string, opts: CopyOptions): Promise<CopyReport> {
  const report: CopyReport = { matched: [], moved: [], failed: [], skipped: 0 };
  const held: Message[] = [];
  const seen = new Set<string>();
  const pace = pacer(opts.ratePerSecond, opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))), opts.clock);
  try {
    while (report.matched.length < opts.limit) {
      const batch = await receive(sqs, dlqUrl, 10, opts.receive);
      if (batch.length === 0) break;
      const chosen: Array<{ message: Message; letter: Letter }> = [];
      for (const message of batch) {
        const id = message.MessageId ?? '';
        const letter = readLetter(message, opts.now);
        const fresh = !seen.has(id);
        seen.add(id);
        if (fresh && opts.filter(letter) && report.matched.length < opts.limit) {
          report.matched.push(letter);
          if (!opts.dryRun) {
            chosen.push({ message, letter });
            continue;
          }
        } else if (fresh) {
          report.skipped++;
        }
        held.push(message);
      }
      if (chosen.length > 0) await pace(chosen.length);
      if (chosen.length > 0) await moveBatch(sqs, dlqUrl, eventsQueueUrl, chosen, report, held, opts.onMoved);
    }
  } finally {
    await release(sqs, dlqUrl, held);
  }
  return report;
}

async function moveBatch(
  sqs: Sqs,
  dlqUrl: string,
  eventsQueueUrl: string,
  chosen: ReadonlyArray<{ message: Message; letter: Letter }>,
  report: CopyReport,
  held: Message[],
  onMoved?: (letter: Letter) => void,
): Promise<void> {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: eventsQueueUrl,
      Entries: chosen.map(({ letter }, i) => ({ Id: String(i), MessageBody: letter.body, MessageAttributes: replayAttributes(letter) })),
    }),
  );
  const refused = new Map((sent.Failed ?? []).map((f) => [Number(f.Id), `${f.Code ?? 'Failed'}: ${f.Message ?? ''}`.trim()]));
  const delivered = chosen.filter((_, i) => !refused.has(i));
  chosen.forEach(({ message, letter }, i) => {
    const error = refused.get(i);
    if (error === undefined) return;
    report.failed.push({ letter, error });
    held.push(message);
  });
  if (delivered.length === 0) return;

  let undeleted: string[];
  try {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: delivered.map(({ message }, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    undeleted = (out.Failed ?? []).map((f) => delivered[Number(f.Id)]?.letter.messageId ?? '?');
  } catch (err) {
    undeleted = delivered.map((d) => d.letter.messageId);
    throw partial(undeleted, err);
  }
  for (const d of delivered) {
    if (undeleted.includes(d.letter.messageId)) continue;
    report.moved.push(d.letter);
    onMoved?.(d.letter);
  }
  if (undeleted.length > 0) throw partial(undeleted);
}

function partial(ids: readonly string[], cause?: unknown): PartialReplayError {
  return new PartialReplayError(
    `${ids.length} message(s) were sent to the events queue but could not be deleted from the DLQ (${ids.join(', ')}${
      cause ? `; ${(cause as Error).name}: ${(cause as Error).message}` : ''
    }). They reappear in the DLQ after the visibility timeout; a rerun would replay them again ` +
      '(a duplicate only upserts the same Port entity again). Check sqs:DeleteMessage permission on the DLQ.',
    { messageIds: ids },
    { cause },
  );
}
