import { HttpError, RetryableError } from '../../../shared/errors';
import { NO_DEADLINE } from '../../../shared/http/retry';
import type { IngestRequest } from '../../../functions/portForwarder/batching';
import type { DeadLetter, DeadLetterQueue } from '../../../functions/portForwarder/dead-letter';
import { forwardRecords, runPool, type PortIngest } from '../../../functions/portForwarder/forward';
import type { Redeliveries } from '../../../functions/portForwarder/redelivery';
import type { SqsRecordLike } from '../../../functions/portForwarder/triage';
import { ec2Event, entity, sqsRecord } from './factories';

/** An in-memory Port: `answer` decides per request; everything accepted is kept. */
class FakeIngest implements PortIngest {
  readonly accepted: unknown[] = [];
  readonly requests: IngestRequest[] = [];
  inFlight = 0;
  peakInFlight = 0;
  constructor(private readonly answer: (items: Array<Record<string, unknown>>) => Error | undefined = () => undefined) {}
  async post(req: IngestRequest): Promise<void> {
    this.requests.push(req);
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    this.inFlight--;
    const items = JSON.parse(req.body).items as Array<Record<string, unknown>>;
    const err = this.answer(items);
    if (err) throw err;
    this.accepted.push(...items);
  }
}

class FakeDlq implements DeadLetterQueue {
  readonly letters: DeadLetter[] = [];
  constructor(private readonly refuse: (l: DeadLetter) => boolean = () => false) {}
  async send(letters: readonly DeadLetter[]): Promise<Set<string>> {
    const unsent = new Set<string>();
    for (const l of letters) (this.refuse(l) ? unsent.add(l.record.messageId) : this.letters.push(l));
    return unsent;
  }
}

const deps = (ingest: PortIngest, deadLetters: DeadLetterQueue, extra = {}) => ({ ingest, deadLetters, deadline: NO_DEADLINE, concurrency: 4, ...extra });
const ids = (r: { batchItemFailures: Array<{ itemIdentifier: string }> }) => r.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe('forwardRecords', () => {
  it('delivers every good record in one request and dead-letters the malformed one with its reason', async () => {
    const events = Array.from({ length: 9 }, () => ec2Event());
    const records = [...events.map((e) => sqsRecord(e)), sqsRecord('{oops')];
    const ingest = new FakeIngest();
    const dlq = new FakeDlq();
    const report = await forwardRecords(records, deps(ingest, dlq));
    expect(report.response.batchItemFailures).toEqual([]);
    expect(ingest.requests).toHaveLength(1);
    expect(ingest.accepted).toEqual(events);
    expect(dlq.letters.map((l) => [l.record.messageId, l.errorClass])).toEqual([[records[9]!.messageId, 'InvalidJson']]);
    expect(report).toMatchObject({ delivered: 9, deadLettered: 1, failed: 0, requests: 1 });
  });

  it('isolates the one item Port refuses (400) by splitting, so its batch-mates are delivered', async () => {
    const good = Array.from({ length: 20 }, () => ec2Event());
    const bad = entity({ blueprint: 'noSuchBlueprint' });
    const records = [...good.slice(0, 13), bad, ...good.slice(13)].map((b) => sqsRecord(b));
    const ingest = new FakeIngest((items) => (items.some((i) => i.blueprint === 'noSuchBlueprint') ? new HttpError('port-ingest answered 400', 400, {}) : undefined));
    const dlq = new FakeDlq();
    const report = await forwardRecords(records, deps(ingest, dlq));
    expect(report.response.batchItemFailures).toEqual([]);
    expect(ingest.accepted).toHaveLength(20);
    expect((ingest.accepted as Array<{ id: string }>).map((a) => a.id).sort()).toEqual(good.map((g) => g.id as string).sort());
    expect(dlq.letters).toHaveLength(1);
    expect(dlq.letters[0]).toMatchObject({ record: records[13], errorClass: 'PortRejected', source: 'noSuchBlueprint' });
    expect(dlq.letters[0]!.reason).toMatch(/400/);
    // bisection costs O(log n) extra requests, not one per item
    expect(report.requests).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(21)));
  });

  it('dead-letters a whole request on 404 (unknown webhook key) without splitting it', async () => {
    const records = Array.from({ length: 8 }, () => sqsRecord(ec2Event()));
    const ingest = new FakeIngest(() => new HttpError('port-ingest answered 404', 404, {}));
    const dlq = new FakeDlq();
    const report = await forwardRecords(records, deps(ingest, dlq));
    expect(ingest.requests).toHaveLength(1);
    expect(dlq.letters).toHaveLength(8);
    expect(report.response.batchItemFailures).toEqual([]);
  });

  it('reports transiently failed records for redelivery and nothing else', async () => {
    const okEvents = Array.from({ length: 3 }, () => ec2Event());
    const flaky = Array.from({ length: 2 }, () => ec2Event());
    const records = [...okEvents, ...flaky].map((e) => sqsRecord(e));
    const flakyIds = new Set(flaky.map((f) => f.id));
    const ingest = new FakeIngest((items) => (items.some((i) => flakyIds.has(i.id)) ? new RetryableError('port-ingest answered 503') : undefined));
    const report = await forwardRecords(records, { ...deps(ingest, new FakeDlq()), limits: { maxItems: 1, maxBytes: 512 * 1024 } });
    expect(ids(report.response)).toEqual(records.slice(3).map((r) => r.messageId).sort());
    expect(report).toMatchObject({ delivered: 3, failed: 2 });
  });

  it('keeps a record for redelivery when dead-lettering it fails', async () => {
    const records = [sqsRecord(ec2Event()), sqsRecord('nope'), sqsRecord('also nope')];
    const report = await forwardRecords(records, deps(new FakeIngest(), new FakeDlq((l) => l.record.body === 'nope')));
    expect(ids(report.response)).toEqual([records[1]!.messageId]);
    expect(report.deadLettered).toBe(1);
  });

  it('reports every unsettled record when something unexpected throws', async () => {
    const records = [sqsRecord(ec2Event()), sqsRecord('bad')];
    const exploding: DeadLetterQueue = { send: () => Promise.reject(new Error('boom')) };
    const onError = jest.fn();
    const report = await forwardRecords(records, { ...deps(new FakeIngest(), exploding), onError });
    expect(ids(report.response)).toEqual([records[1]!.messageId]);
    expect(onError).toHaveBeenCalledWith(expect.stringMatching(/unexpectedly/), { error: 'Error: boom' });
  });

  it('treats an unexpected ingest exception as transient, never as proof the payload is bad', async () => {
    const records = [sqsRecord(ec2Event()), sqsRecord(ec2Event())];
    const dlq = new FakeDlq();
    const report = await forwardRecords(records, deps(new FakeIngest(() => new TypeError('x')), dlq));
    expect(ids(report.response)).toEqual(records.map((r) => r.messageId).sort());
    expect(dlq.letters).toEqual([]);
  });

  it('keeps at most `concurrency` Port requests in flight', async () => {
    const records = Array.from({ length: 30 }, () => sqsRecord(ec2Event()));
    const ingest = new FakeIngest();
    await forwardRecords(records, { ...deps(ingest, new FakeDlq(), { concurrency: 3 }), limits: { maxItems: 2, maxBytes: 512 * 1024 } });
    expect(ingest.requests).toHaveLength(15);
    expect(ingest.peakInFlight).toBe(3);
  });

  it('handles an empty batch', async () => {
    const report = await forwardRecords([], deps(new FakeIngest(), new FakeDlq()));
    expect(report).toEqual({ response: { batchItemFailures: [] }, delivered: 0, deadLettered: 0, failed: 0, redelivered: 0, authRejected: 0, requests: 0 });
  });
});

describe('runPool', () => {
  it('runs work that enqueues more work until the queue drains', async () => {
    const seen: number[] = [];
    await runPool([8], 2, async (n) => {
      seen.push(n);
      return n > 1 ? [n / 2, n / 2] : [];
    });
    expect(seen.sort((a, b) => a - b)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 8]);
  });
});

/** The queue side of the retry budget, in memory: a fixed maxReceiveCount and the delays asked for. */
class FakeQueue implements Redeliveries {
  readonly delays = new Map<string, number>();
  constructor(private readonly max: number | undefined) {}
  async maxReceiveCount(): Promise<number | undefined> {
    return this.max;
  }
  async delay(changes: ReadonlyArray<{ record: SqsRecordLike; seconds: number }>): Promise<void> {
    for (const c of changes) this.delays.set(c.record.messageId, c.seconds);
  }
}

const HOUR = 3_600_000;
const received = (count: number, firstAtMs: number) => ({
  attributes: { ApproximateReceiveCount: String(count), SentTimestamp: String(firstAtMs), SenderId: 'x', ApproximateFirstReceiveTimestamp: String(firstAtMs) },
});

describe('forwardRecords with a retry budget', () => {
  const now = 1_795_428_000_000;
  const retry = { budgetSeconds: 6 * 3600, firstDelaySeconds: 30, maxDelaySeconds: 1800 };
  const outage = () => new FakeIngest(() => new RetryableError('port-ingest answered 503 (Service Unavailable)'));

  it('puts records of a failing request back with a growing delay and reports them for redelivery', async () => {
    const records = [sqsRecord(ec2Event(), received(1, now)), sqsRecord(ec2Event(), received(3, now - 60_000))];
    const queue = new FakeQueue(30);
    const dlq = new FakeDlq();
    const report = await forwardRecords(records, { ...deps(outage(), dlq), redeliveries: queue, retry, now: () => now });
    expect(ids(report.response)).toEqual(records.map((r) => r.messageId).sort());
    expect([...queue.delays]).toEqual([[records[0]!.messageId, 30], [records[1]!.messageId, 120]]);
    expect(dlq.letters).toEqual([]);
    expect(report).toMatchObject({ failed: 2, redelivered: 2, deadLettered: 0 });
  });

  it('dead-letters a record whose outage outlasted the budget, with the last reason, and acknowledges it', async () => {
    const late = sqsRecord(ec2Event(), received(17, now - 6 * HOUR - 1000));
    const fresh = sqsRecord(ec2Event(), received(1, now));
    const dlq = new FakeDlq();
    const report = await forwardRecords([late, fresh], { ...deps(outage(), dlq), redeliveries: new FakeQueue(30), retry, now: () => now });
    expect(ids(report.response)).toEqual([fresh.messageId]);
    expect(dlq.letters).toHaveLength(1);
    expect(dlq.letters[0]).toMatchObject({ record: late, errorClass: 'RetryBudgetExhausted', source: 'aws.ec2' });
    expect(dlq.letters[0]!.reason).toMatch(/retry budget of 6h spent \(17 receives.*503 \(Service Unavailable\)/);
  });

  it('dead-letters on the last receive before SQS redrive would drop the reason, even within the budget', async () => {
    const last = sqsRecord(ec2Event(), received(5, now - 60_000));
    const dlq = new FakeDlq();
    const report = await forwardRecords([last], { ...deps(outage(), dlq), redeliveries: new FakeQueue(5), retry, now: () => now });
    expect(report.response.batchItemFailures).toEqual([]);
    expect(dlq.letters[0]).toMatchObject({ errorClass: 'LastReceive' });
    expect(dlq.letters[0]!.reason).toMatch(/last receive \(5 of maxReceiveCount 5\).*503/);
  });

  it('never dead-letters for a 401/403 within the backstop, however old: retries and counts the refusal', async () => {
    const old = sqsRecord(ec2Event(), received(12, now - 20 * HOUR));
    const queue = new FakeQueue(30);
    const dlq = new FakeDlq();
    const onRequestFailed = jest.fn();
    const ingest = new FakeIngest(() => new HttpError('port-ingest answered 401 (Unauthorized)', 401, {}));
    const report = await forwardRecords([old], { ...deps(ingest, dlq), redeliveries: queue, retry, now: () => now, onRequestFailed });
    expect(dlq.letters).toEqual([]);
    expect(ids(report.response)).toEqual([old.messageId]);
    expect(queue.delays.get(old.messageId)).toBe(1800);
    expect(report.authRejected).toBe(1);
    expect(onRequestFailed).toHaveBeenCalledWith({ verdict: 'credentials', reason: expect.stringMatching(/401/), items: 1 });
  });
});

