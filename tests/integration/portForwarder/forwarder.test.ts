import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PortStub } from '../../../local/port';
import { startWorld, type World } from '../../../local/world';
import { ec2Event, sqsRecord } from '../../unit/portForwarder/factories';
import { coldStart, createQueues, lambdaContext, pollUntilEmpty, queueDepth, receiveAll, sqsClient, toRecord } from './harness';

/** The real handler against the Port ingest stand-in and moto's SQS (DLQ, redrive). */
jest.setTimeout(120_000);

const PORT_AND_MOTO = { halo: false, jira: false, moto: true } as const;
let world: World<typeof PORT_AND_MOTO>;
let port: PortStub;
let sqs: SQSClient;
let webhookUrl: string;

beforeAll(async () => {
  world = await startWorld(PORT_AND_MOTO);
  port = world.port;
  sqs = sqsClient(world.moto);
  webhookUrl = port.createWebhook({ identifier: 'aws-events' }).url;
  Object.assign(process.env, world.moto.env);
});

afterAll(async () => {
  sqs?.destroy();
  await world?.stop();
});

beforeEach(() => {
  port.reset();
  // coldStart() writes into process.env: start each test from the defaults.
  for (const k of ['PORT_WEBHOOK_SECRET', 'FORWARDER_RETRY_BUDGET_SECONDS', 'FORWARDER_RETRY_FIRST_DELAY_SECONDS', 'FORWARDER_RETRY_MAX_DELAY_SECONDS']) delete process.env[k];
});

type Wire = { id: string; source: string; items: Array<{ id?: string }> };
const delivered = (): Wire[] => port.received.filter((r) => r.status === 202).map((r) => r.body as Wire);

it('delivers 9 good records in one wire-format request and dead-letters the malformed one with its reason', async () => {
  const q = await createQueues(world.moto.aws, 'fw-mixed', { maxReceiveCount: 5, visibilityTimeout: 30 });
  const handler = coldStart({ PORT_WEBHOOK_URL: webhookUrl, DEAD_LETTER_QUEUE_URL: q.dlqUrl });
  const events = Array.from({ length: 9 }, () => ec2Event());
  const records = [...events.slice(0, 4).map((e) => sqsRecord(e)), sqsRecord('{"version":"0",'), ...events.slice(4).map((e) => sqsRecord(e))];

  const response = await handler({ Records: records }, lambdaContext(10_000));

  expect(response.batchItemFailures).toEqual([]);
  const [request, ...more] = delivered();
  expect(more).toEqual([]);
  expect(request).toEqual({
    id: createHash('sha256').update(events.map((e) => e.id).join(',')).digest('hex'),
    source: 'halo-jira-port/portForwarder',
    items: events,
  });
  const [letter, ...others] = await receiveAll(sqs, q.dlqUrl);
  expect(others).toEqual([]);
  expect(letter?.Body).toBe('{"version":"0",');
  const attrs = Object.fromEntries(Object.entries(letter?.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
  expect(attrs).toMatchObject({ errorClass: 'InvalidJson', originalMessageId: records[4]!.messageId, source: 'unknown', receiveCount: '1' });
  expect(attrs.reason).toMatch(/^body is not JSON/);
  expect(Date.parse(attrs.firstFailureTime as string)).not.toBeNaN();
});

it('dead-letters a whole batch Port refuses with 404 (unknown webhook key) and never retries it', async () => {
  const q = await createQueues(world.moto.aws, 'fw-404', { maxReceiveCount: 5, visibilityTimeout: 30 });
  const handler = coldStart({ PORT_WEBHOOK_URL: `${port.ingestBaseUrl}/no-such-webhook-key`, DEAD_LETTER_QUEUE_URL: q.dlqUrl });
  const records = Array.from({ length: 5 }, () => sqsRecord(ec2Event()));

  const response = await handler({ Records: records }, lambdaContext(10_000));

  expect(response.batchItemFailures).toEqual([]);
  expect(port.received.map((r) => r.status)).toEqual([404]);
  const letters = await receiveAll(sqs, q.dlqUrl);
  expect(letters.map((l) => l.MessageAttributes?.originalMessageId?.StringValue).sort()).toEqual(records.map((r) => r.messageId).sort());
  for (const l of letters) {
    expect(l.MessageAttributes?.errorClass?.StringValue).toBe('PortRejected');
    expect(l.MessageAttributes?.reason?.StringValue).toMatch(/answered 404/);
    expect(l.MessageAttributes?.reason?.StringValue).not.toContain('no-such-webhook-key');
  }
});

it('under 30 % 429 (Retry-After: 1) and 10 % connection resets, delivers every event, loses none, never overruns a deadline', async () => {
  const q = await createQueues(world.moto.aws, 'fw-chaos', { maxReceiveCount: 5, visibilityTimeout: 3 });
  const handler = coldStart({
    PORT_WEBHOOK_URL: webhookUrl,
    DEAD_LETTER_QUEUE_URL: q.dlqUrl,
    FORWARDER_DEADLINE_MARGIN_MS: '1000',
    FORWARDER_RETRY_FIRST_DELAY_SECONDS: '1',
    FORWARDER_RETRY_MAX_DELAY_SECONDS: '3',
  });
  port.faults.set({ rateLimit: 0.3, retryAfterSec: 1, reset: 0.1, seed: 7 });
  const events = Array.from({ length: 200 }, () => ec2Event());
  for (let i = 0; i < events.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: q.queueUrl, Entries: events.slice(i, i + 10).map((e, j) => ({ Id: String(j), MessageBody: JSON.stringify(e) })) }),
    );
  }

  const invocations = await pollUntilEmpty(sqs, q, handler, { batchSize: 10, budgetMs: 5000, parallel: 4, giveUpAfterMs: 90_000 });

  const faults = port.received.filter((r) => r.fault).map((r) => r.fault);
  expect(faults).toContain('rate-limit');
  expect(faults).toContain('reset');
  const arrived = new Set(delivered().flatMap((w) => w.items.map((i) => i.id)));
  expect(events.filter((e) => !arrived.has(e.id as string))).toEqual([]);
  expect(await queueDepth(sqs, q.queueUrl)).toBe(0);
  expect(await queueDepth(sqs, q.dlqUrl)).toBe(0);
  expect(invocations.filter((i) => i.slackMs < 0)).toEqual([]);
});

const attributes = (m: { MessageAttributes?: Record<string, { StringValue?: string }> }) =>
  Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
const sendEvents = (url: string, events: Array<Record<string, unknown>>) =>
  sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: events.map((e, j) => ({ Id: String(j), MessageBody: JSON.stringify(e) })) }));

it('under a persistent 503, dead-letters each record itself on its last receive, with the last reason — not by SQS redrive', async () => {
  const q = await createQueues(world.moto.aws, 'fw-503', { maxReceiveCount: 2, visibilityTimeout: 1 });
  const handler = coldStart({
    PORT_WEBHOOK_URL: webhookUrl,
    DEAD_LETTER_QUEUE_URL: q.dlqUrl,
    FORWARDER_DEADLINE_MARGIN_MS: '1000',
    FORWARDER_RETRY_FIRST_DELAY_SECONDS: '0',
    FORWARDER_RETRY_MAX_DELAY_SECONDS: '0',
  });
  port.faults.set({ serverError: 1, serverErrorStatus: 503 });
  const events = Array.from({ length: 3 }, () => ec2Event());
  await sendEvents(q.queueUrl, events);

  const invocations = await pollUntilEmpty(sqs, q, handler, { batchSize: 10, budgetMs: 2500, parallel: 1, giveUpAfterMs: 30_000 });

  expect(invocations.filter((i) => i.slackMs < 0)).toEqual([]);
  // first receive: all reported for redelivery; last receive (2 of 2): all dead-lettered, none reported
  expect(invocations.map((i) => i.failures)).toEqual([3, 0]);
  const letters = await receiveAll(sqs, q.dlqUrl);
  expect(letters.map((m) => JSON.parse(m.Body as string).id).sort()).toEqual(events.map((e) => e.id).sort());
  for (const l of letters) {
    expect(attributes(l)).toMatchObject({ errorClass: 'LastReceive', source: 'aws.ec2', receiveCount: '2' });
    expect(attributes(l).reason).toMatch(/^last receive \(2 of maxReceiveCount 2\).*answered 503/);
  }
  expect(await queueDepth(sqs, q.queueUrl)).toBe(0);
});

it('an outage longer than the retry budget ends with the record in the DLQ carrying the last reason', async () => {
  const q = await createQueues(world.moto.aws, 'fw-budget', { maxReceiveCount: 50, visibilityTimeout: 30 });
  const handler = coldStart({
    PORT_WEBHOOK_URL: webhookUrl,
    DEAD_LETTER_QUEUE_URL: q.dlqUrl,
    FORWARDER_DEADLINE_MARGIN_MS: '1000',
    FORWARDER_RETRY_BUDGET_SECONDS: '3',
    FORWARDER_RETRY_FIRST_DELAY_SECONDS: '1',
    FORWARDER_RETRY_MAX_DELAY_SECONDS: '1',
  });
  port.faults.set({ serverError: 1, serverErrorStatus: 502 });
  const [event] = [ec2Event()];
  await sendEvents(q.queueUrl, [event!]);

  // The queue's 30 s visibility would stall this test: only the forwarder's 1 s delays bring it back in time.
  const invocations = await pollUntilEmpty(sqs, q, handler, { batchSize: 10, budgetMs: 2500, parallel: 1, giveUpAfterMs: 25_000 });

  // Redelivered (not dead-lettered) while the budget lasted, dead-lettered once it was spent.
  expect(invocations.length).toBeGreaterThanOrEqual(2);
  expect(invocations.slice(0, -1).every((i) => i.failures === 1)).toBe(true);
  expect(invocations.at(-1)?.failures).toBe(0);
  const [letter, ...others] = await receiveAll(sqs, q.dlqUrl);
  expect(others).toEqual([]);
  expect(JSON.parse(letter!.Body as string).id).toBe(event!.id);
  expect(attributes(letter!)).toMatchObject({ errorClass: 'RetryBudgetExhausted' });
  expect(attributes(letter!).reason).toMatch(/^retry budget of 3s spent \(\d+ receives over \d+s\): .*answered 502/);
});

it('a 401 from Port (signature refused) dead-letters nothing: the records wait with a delay', async () => {
  const q = await createQueues(world.moto.aws, 'fw-401', { maxReceiveCount: 30, visibilityTimeout: 1 });
  const signed = port.createWebhook({ identifier: 'signed-hook', security: { secret: 'the-real-webhook-secret-123', signatureHeaderName: 'X-Hub-Signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=' } });
  const handler = coldStart({
    PORT_WEBHOOK_URL: signed.url,
    PORT_WEBHOOK_SECRET: 'a-stale-webhook-secret-456',
    DEAD_LETTER_QUEUE_URL: q.dlqUrl,
    FORWARDER_RETRY_BUDGET_SECONDS: '1',
    FORWARDER_RETRY_FIRST_DELAY_SECONDS: '60',
  });
  const events = Array.from({ length: 4 }, () => ec2Event());
  await sendEvents(q.queueUrl, events);
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'], WaitTimeSeconds: 1 }));
  const records = (r.Messages ?? []).map((m) => toRecord(m, q.queueArn));
  expect(records).toHaveLength(4);

  const response = await handler({ Records: records }, lambdaContext(5000));
  await new Promise((done) => setTimeout(done, 1500)); // past the queue's own 1 s visibility

  expect(port.received.map((x) => x.status)).toEqual([401]);
  expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(records.map((x) => x.messageId).sort());
  expect(await queueDepth(sqs, q.dlqUrl)).toBe(0);
  // Still on the queue, held back by the forwarder's 60 s delay rather than the queue's 1 s.
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  expect(a.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '4' });
});

it('signs every request so a webhook with a secret accepts it', async () => {
  const q = await createQueues(world.moto.aws, 'fw-signed', { maxReceiveCount: 5, visibilityTimeout: 30 });
  const secret = 'shared-webhook-secret-789xyz';
  const signed = port.createWebhook({ identifier: 'signed-ok', security: { secret, signatureHeaderName: 'X-Hub-Signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=' } });
  const handler = coldStart({ PORT_WEBHOOK_URL: signed.url, PORT_WEBHOOK_SECRET: secret, DEAD_LETTER_QUEUE_URL: q.dlqUrl });
  const records = Array.from({ length: 3 }, () => sqsRecord(ec2Event()));

  const response = await handler({ Records: records }, lambdaContext(5000));

  expect(response.batchItemFailures).toEqual([]);
  expect(port.received.map((x) => x.status)).toEqual([202]);
  const sent = port.received[0]!;
  expect(sent.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
});
