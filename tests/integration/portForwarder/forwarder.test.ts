import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PortStub } from '../../../local/port';
import { startWorld, type World } from '../../../local/world';
import { ec2Event, sqsRecord } from '../../unit/portForwarder/factories';
import { coldStart, createQueues, lambdaContext, pollUntilEmpty, queueDepth, receiveAll, sqsClient } from './harness';

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

beforeEach(() => port.reset());

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
  const handler = coldStart({ PORT_WEBHOOK_URL: webhookUrl, DEAD_LETTER_QUEUE_URL: q.dlqUrl, FORWARDER_DEADLINE_MARGIN_MS: '1000' });
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

it('reports records Port keeps failing (503) in batchItemFailures, so SQS redelivers and finally redrives them to the DLQ', async () => {
  const q = await createQueues(world.moto.aws, 'fw-503', { maxReceiveCount: 2, visibilityTimeout: 1 });
  const handler = coldStart({ PORT_WEBHOOK_URL: webhookUrl, DEAD_LETTER_QUEUE_URL: q.dlqUrl, FORWARDER_DEADLINE_MARGIN_MS: '1000' });
  port.faults.set({ serverError: 1, serverErrorStatus: 503 });
  const events = Array.from({ length: 3 }, () => ec2Event());
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.queueUrl, Entries: events.map((e, j) => ({ Id: String(j), MessageBody: JSON.stringify(e) })) }));

  const invocations = await pollUntilEmpty(sqs, q, handler, { batchSize: 10, budgetMs: 2500, parallel: 1, giveUpAfterMs: 30_000 });

  expect(invocations.length).toBeGreaterThanOrEqual(2);
  expect(invocations.every((i) => i.failures === i.records)).toBe(true);
  expect(invocations.filter((i) => i.slackMs < 0)).toEqual([]);
  const redriven = await receiveAll(sqs, q.dlqUrl);
  expect(redriven.map((m) => JSON.parse(m.Body as string).id).sort()).toEqual(events.map((e) => e.id).sort());
  // moto's redrive, not the forwarder, put them there: no reason attributes
  expect(redriven.every((m) => m.MessageAttributes?.reason === undefined)).toBe(true);
});
