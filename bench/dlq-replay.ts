/**
 * Figures for `npm run dlq` against a local moto_server: peek time for `list` and replay-by-copy
 * throughput. Run: `npm run bench -- dlq-replay [messages=500]` (needs moto_server on PATH).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto } from '../local/aws/moto';
import { deployLocalStack, renderResources } from '../local/aws/stack';
import { runDlq } from '../ops/dlq/command';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 500);
  const moto = await startMoto();
  Object.assign(process.env, moto.env);
  const sqs = new SQSClient({});
  const quiet = { env: moto.env, out: () => undefined, err: (l: string) => process.stderr.write(`${l}\n`) };
  try {
    // The stack's own queues (resources/), as deployed.
    const stack = await deployLocalStack(moto.aws, { resources: await renderResources(), stage: 'bench', queuesOnly: true });
    const [events, dlq] = [stack.events.url, stack.deadLetter.url];
    for (let i = 0; i < total; i += 10) {
      const Entries = Array.from({ length: Math.min(10, total - i) }, (_, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify({ source: 'aws.ec2', id: `e${i + j}`, detail: {} }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'HttpError: port-ingest answered 413' }, errorClass: { DataType: 'String', StringValue: 'PortRejected' } },
      }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq, Entries }));
    }
    const urls = ['--dlq-url', dlq, '--queue-url', events];
    const deps = { peek: { holdSeconds: 30, waitSeconds: 0 }, replay: { holdSeconds: 120, waitSeconds: 0 } };
    let t = process.hrtime.bigint();
    await runDlq(['list', ...urls, '--limit', '50', '--json'], quiet, deps);
    const listMs = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    const code = await runDlq(['replay', ...urls, '--copy'], quiet, deps);
    const replayMs = Number(process.hrtime.bigint() - t) / 1e6;
    process.stdout.write(
      `dlq list (peek 50 of ${total}): ${listMs.toFixed(0)} ms\n` +
        `dlq replay --copy ${total} messages: ${replayMs.toFixed(0)} ms (${((total / replayMs) * 1000).toFixed(0)} msg/s, exit ${code})\n` +
        '(moto_server on 127.0.0.1; each call is one SQS batch of 10. moto answers ReceiveMessage in time\n' +
        ' proportional to the queue depth (~3 ms per queued message), which dominates these figures; on SQS\n' +
        ' a receive/send/delete round costs three network round trips whatever the depth)\n',
    );
  } finally {
    sqs.destroy();
    await moto.stop();
  }
}

void main();
