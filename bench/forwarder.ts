/**
 * portForwarder throughput and footprint. Prints figures; asserts nothing.
 *   npx tsx bench/forwarder.ts [events=10000] [batchSize=100] [parallel=4]
 * 1. Forwards N EventBridge events through the real handler (SQS batches of `batchSize`,
 *    `parallel` invocations at a time) to the Port ingest stand-in answering after 20 ms. The
 *    stand-in runs in a child process, so its own work (jq mappings) is not billed to the forwarder.
 * 2. Bundles the handler the way serverless-esbuild does and times `require` in a fresh process.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { startWorld } from '../local/world';

const ROOT = path.resolve(__dirname, '..');
const RECEIVER = '--receiver';
const [events = 10_000, batchSize = 100, parallel = 4] = process.argv.slice(2).filter((a) => a !== RECEIVER).map(Number);

type ReceiverReport = { requests: number; items: number };

/** Child-process mode: the Port stand-in with 20 ms latency, reporting what it received over IPC. */
async function receiver(): Promise<void> {
  const world = await startWorld({ halo: false, jira: false });
  const { port } = world;
  port.faults.set({ latencyMs: 20 });
  const hook = port.createWebhook({ identifier: 'bench' });
  process.on('message', async (msg: string) => {
    if (msg === 'reset') {
      port.received.length = 0;
      process.send?.('reset');
    } else if (msg === 'report') {
      const items = port.received.reduce((n, r) => n + ((r.body as { items?: unknown[] }).items?.length ?? 0), 0);
      process.send?.({ requests: port.received.length, items } satisfies ReceiverReport);
    } else if (msg === 'stop') {
      await world.stop();
      process.disconnect();
    }
  });
  process.send?.({ url: hook.url });
}

function ask<T>(child: ChildProcess, msg?: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    if (msg) child.send(msg);
  });
}

function record(i: number): SQSRecord {
  const event = {
    version: '0',
    id: `bench-${i}-${'0'.repeat(8)}`,
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1:123456789012:instance/i-${i.toString(16).padStart(17, '0')}`],
    detail: { 'instance-id': `i-${i.toString(16).padStart(17, '0')}`, state: i % 2 ? 'running' : 'stopped' },
  };
  const attributes = { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'bench', ApproximateFirstReceiveTimestamp: '0' };
  return { messageId: `m-${i}`, receiptHandle: `r-${i}`, body: JSON.stringify(event), attributes, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:bench', awsRegion: 'eu-west-1' };
}

const context = (): Context =>
  ({ functionName: 'bench-portForwarder', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

async function throughput(): Promise<void> {
  const child = fork(__filename, [RECEIVER], { execArgv: ['--import', 'tsx'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const { url } = await ask<{ url: string }>(child);
  Object.assign(process.env, { PORT_WEBHOOK_URL: url, DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/123456789012/unused-dlq', POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });
  const { handler } = require('../functions/portForwarder/handler') as { handler: (e: SQSEvent, c: Context) => Promise<SQSBatchResponse> };
  const batches: SQSRecord[][] = [];
  for (let i = 0; i < events; i += batchSize) batches.push(Array.from({ length: Math.min(batchSize, events - i) }, (_, j) => record(i + j)));
  await handler({ Records: [record(-1)] }, context()); // warm: config, secrets, sockets
  await ask(child, 'reset');

  let failed = 0;
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) {
        const batch = batches[next++] as SQSRecord[];
        failed += (await handler({ Records: batch }, context())).batchItemFailures.length;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { requests, items: delivered } = await ask<ReceiverReport>(child, 'report');
  child.send('stop');
  console.log(`forward: ${events} events, SQS batches of ${batchSize}, ${parallel} invocations in parallel, receiver latency 20 ms`);
  console.log(`  delivered ${delivered}, failed ${failed}, in ${seconds.toFixed(2)} s → ${Math.round(events / seconds)} events/s (target ≥ 5000)`);
  console.log(`  HTTP requests ${requests} → ${(requests / events).toFixed(3)} requests/event (target ≤ 0.2)`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

async function bundle(): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-bundle-'));
  const outfile = path.join(out, 'handler.js');
  // The options serverless-esbuild uses: custom.esbuild from serverless.yml (`exclude` → external).
  // serverless-esbuild's own keys (exclude, outputWorkFolder, …) are not esbuild options.
  const { exclude, outputWorkFolder: _work, packager: _p, plugins, ...options } = (parse(fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    custom: { esbuild: Record<string, unknown> & { exclude?: string[] } };
  }).custom.esbuild;
  await build({
    ...options,
    entryPoints: [path.join(ROOT, 'functions/portForwarder/handler.ts')],
    outfile,
    external: exclude ?? [],
    absWorkingDir: ROOT,
    // serverless-esbuild takes `plugins` as a file exporting them, relative to the service.
    plugins: typeof plugins === 'string' ? require(path.join(ROOT, plugins)) : [],
    logLevel: 'error',
  });
  const size = fs.statSync(outfile).size;
  // Wall and CPU time of the require; CPU time is the steadier figure on a busy machine.
  const probe = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(outfile)});const u=process.cpuUsage(c);console.log(Number(process.hrtime.bigint()-t)/1e6, (u.user+u.system)/1e3)`;
  // @aws-sdk/* is external (the Lambda runtime provides it): resolve it from the project here.
  const env = { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), NODE_NO_WARNINGS: '1', PORT_WEBHOOK_URL: '', POWERTOOLS_LOG_LEVEL: 'ERROR' };
  const measure = (extra: Record<string, string>): number[][] =>
    Array.from({ length: 9 }, () => execFileSync(process.execPath, ['-e', probe], { env: { ...env, ...extra }, encoding: 'utf8' }).trim().split(' ').map(Number));
  const runs = measure({});
  // serverless.yml sets NODE_OPTIONS=--enable-source-maps for readable stack traces: that parses the map at load.
  const withMaps = measure({ NODE_OPTIONS: '--enable-source-maps' });
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const wall = runs.map((r) => r[0] as number);
  const cpu = runs.map((r) => r[1] as number);
  fs.rmSync(out, { recursive: true, force: true });
  console.log(`bundle: handler.js ${(size / 1024).toFixed(0)} KB minified (target < 400 KB)`);
  console.log(`  cold require in a fresh node process, 9 runs: wall median ${median(wall).toFixed(1)} ms (min ${Math.min(...wall).toFixed(1)}), CPU median ${median(cpu).toFixed(1)} ms (target < 60 ms)`);
  console.log(`  with NODE_OPTIONS=--enable-source-maps (as deployed): CPU median ${median(withMaps.map((r) => r[1] as number)).toFixed(1)} ms`);
  console.log(`  machine: ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}`);
}

void (async () => {
  if (process.argv.includes(RECEIVER)) return receiver();
  await throughput();
  await bundle();
})();
