import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { startPortStub, type PortStub } from '../../../local/port';
import { createQueues, queueDepth, receiveAll, sqsClient, toRecord } from '../../integration/portForwarder/harness';
import { ROOT, invokeResult, sls } from './sls';

/** `sls invoke local --stage local -f portForwarder` against the Port stand-in and moto's SQS. */
jest.setTimeout(300_000);

let moto: Moto;
let port: PortStub;
let sqs: SQSClient;
let webhook: { url: string; webhookKey: string };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-local-'));

beforeAll(async () => {
  [moto, port] = await Promise.all([startMoto(), startPortStub()]);
  sqs = sqsClient(moto);
  webhook = port.createWebhook({ identifier: 'aws-events' });
});

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([port?.stop(), moto?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

const invoke = (eventFile: string, env: Record<string, string>) =>
  sls(['invoke', 'local', '--stage', 'local', '-f', 'portForwarder', '--path', eventFile], { ...moto.env, PORT_WEBHOOK_URL: webhook.url, ...env });

it('10 records, one malformed: 9 delivered, 1 dead-lettered with its reason, none in batchItemFailures', async () => {
  port.reset();
  const { dlqUrl } = await createQueues(moto.aws, 'local');
  const eventFile = 'functions/portForwarder/events/ten-records-one-malformed.json';
  const event = JSON.parse(fs.readFileSync(path.join(ROOT, eventFile), 'utf8')) as { Records: SQSRecord[] };
  const malformed = event.Records.filter((r) => {
    try {
      JSON.parse(r.body);
      return false;
    } catch {
      return true;
    }
  });
  expect(malformed).toHaveLength(1);

  const run = await invoke(eventFile, { DEAD_LETTER_QUEUE_URL: dlqUrl });

  expect(run.code).toBe(0);
  expect(invokeResult(run.stdout)).toEqual({ batchItemFailures: [] });
  const items = port.received.filter((r) => r.status === 202).flatMap((r) => (r.body as { items: unknown[] }).items);
  expect(items).toEqual(event.Records.filter((r) => r !== malformed[0]).map((r) => JSON.parse(r.body)));
  const letters = await receiveAll(sqs, dlqUrl);
  expect(letters.map((l) => [l.Body, l.MessageAttributes?.originalMessageId?.StringValue, l.MessageAttributes?.errorClass?.StringValue])).toEqual([
    [malformed[0]!.body, malformed[0]!.messageId, 'InvalidJson'],
  ]);
  expect(letters[0]!.MessageAttributes?.reason?.StringValue).toMatch(/^body is not JSON/);
  // the webhook key never reaches the logs
  expect(run.stdout + run.stderr).not.toContain(webhook.webhookKey);
});

it('partial batch with moto redrive: transient failures are reported and redelivered, then redriven to the DLQ', async () => {
  port.reset();
  port.faults.set({ serverError: 1, serverErrorStatus: 503 });
  const q = await createQueues(moto.aws, 'invoke-local-partial', { maxReceiveCount: 2, visibilityTimeout: 1 });
  const good = [1, 2, 3].map((i) => ({
    version: '0', id: `evt-${i}`, 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', account: '123456789012',
    time: '2026-11-23T10:00:00Z', region: 'eu-west-1', resources: [], detail: { state: 'running' },
  }));
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: q.queueUrl,
      Entries: [...good.map((g) => JSON.stringify(g)), 'not json'].map((b, i) => ({ Id: String(i), MessageBody: b })),
    }),
  );

  const responses: Array<{ records: number; failures: string[] }> = [];
  for (let round = 0; round < 6 && (await queueDepth(sqs, q.queueUrl)) > 0; round++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, AttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    if (!got.Messages?.length) continue;
    const records = got.Messages.map((m) => toRecord(m, q.queueArn));
    const file = path.join(work, `round-${round}.json`);
    fs.writeFileSync(file, JSON.stringify({ Records: records }));
    const run = await invoke(file, { DEAD_LETTER_QUEUE_URL: q.dlqUrl, FORWARDER_DEADLINE_MARGIN_MS: '25000' });
    expect(run.code).toBe(0);
    const failures = (invokeResult(run.stdout) as { batchItemFailures: Array<{ itemIdentifier: string }> }).batchItemFailures.map((f) => f.itemIdentifier);
    responses.push({ records: records.length, failures });
    // what Lambda does with ReportBatchItemFailures: delete everything not reported
    const done = records.filter((r) => !failures.includes(r.messageId));
    if (done.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: q.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
  }

  // first round: the 3 good events failed transiently (reported), the malformed one was dead-lettered (not reported)
  expect(responses[0]).toEqual({ records: 4, failures: expect.any(Array) });
  expect(responses[0]!.failures).toHaveLength(3);
  expect(responses.slice(1).every((r) => r.failures.length === r.records)).toBe(true);
  const dlq = await receiveAll(sqs, q.dlqUrl);
  const byReason = dlq.map((m) => [m.Body, m.MessageAttributes?.errorClass?.StringValue ?? 'redriven by SQS']).sort();
  expect(byReason).toEqual([...good.map((g) => [JSON.stringify(g), 'redriven by SQS']), ['not json', 'InvalidJson']].sort());
});
