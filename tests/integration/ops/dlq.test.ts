import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EXIT, type Io } from '../../../shared/cli';
import { runDlq, type DlqDeps } from '../../../ops/dlq/command';
import { motoAvailable, MOTO_MISSING, startMoto, type Moto } from '../../../local/aws/moto';
import { renderResources, type RenderedResources } from '../../../local/aws/stack';
import { counts, deployQueueStack, drain, ebEvent, eventBridgeLetter, forwarderDeadLetter, redrivenLetter } from './dlq-fixtures';

jest.setTimeout(60_000);
const describeMoto = motoAvailable() ? describe : describe.skip;
if (!motoAvailable()) console.warn(`dlq integration tests skipped: ${MOTO_MISSING}`);

const ROOT = path.resolve(__dirname, '../../..');
const FAILED_AT = new Date('2026-11-23T08:00:00Z');
const NOW = new Date('2026-11-23T10:30:00Z');

function capture(env: Record<string, string>): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describeMoto('npm run dlq (against moto)', () => {
  let moto: Moto;
  let sqs: SQSClient;
  let stageNo = 0;
  let stage: string;
  let resources: RenderedResources;
  let q: { eventsUrl: string; dlqUrl: string };
  const fast: DlqDeps = { now: () => NOW, peek: { holdSeconds: 30, waitSeconds: 0 }, replay: { holdSeconds: 2, waitSeconds: 0 } };
  const run = async (argv: string[], deps: DlqDeps = fast) => {
    const io = capture(moto.env);
    const code = await runDlq(argv, io, deps);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  beforeAll(async () => {
    [moto, resources] = await Promise.all([startMoto(), renderResources()]);
    Object.assign(process.env, moto.env);
    sqs = new SQSClient({});
  });
  afterAll(async () => {
    sqs?.destroy();
    await moto?.stop();
  });

  /** Four letters, one of each origin (two from the forwarder). */
  beforeEach(async () => {
    stage = `itest${++stageNo}`;
    q = await deployQueueStack(moto.aws, resources, stage);
    await forwarderDeadLetter(sqs, q.dlqUrl, {
      messageId: 'orig-413', body: ebEvent('aws.ec2', 'ev-413'), errorClass: 'PortRejected', source: 'aws.ec2', receiveCount: '2',
      reason: 'HttpError: port-ingest answered 413: {"message":"payload too large"}',
    }, FAILED_AT);
    await forwarderDeadLetter(sqs, q.dlqUrl, {
      messageId: 'orig-bad-json', body: '{not json', errorClass: 'InvalidJson', source: 'unknown',
      reason: 'body is not JSON: Unexpected token n in JSON at position 1',
    }, FAILED_AT);
    await redrivenLetter(sqs, q.eventsUrl, q.dlqUrl, ebEvent('aws.s3', 'ev-redrive'));
    await eventBridgeLetter(sqs, q.dlqUrl, ebEvent('aws.rds', 'ev-eb'));
  });

  const stageArgs = () => ['--stage', stage, '--region', 'eu-west-1'];

  test('list shows reason, source, age and receive count of every kind, and consumes nothing', async () => {
    const before = await counts(sqs, q.dlqUrl);
    const { code, out } = await run(['list', ...stageArgs(), '--json']);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(out) as { letters: Array<Record<string, unknown>> };
    const bySource = Object.fromEntries(report.letters.map((l) => [l.source, l]));
    expect(Object.keys(bySource).sort()).toEqual(['aws.rds', 'aws.s3', 'aws.ec2', 'unknown'].sort());
    expect(bySource['aws.ec2']).toMatchObject({ kind: 'forwarder', errorClass: 'PortRejected', receiveCount: 2, originalMessageId: 'orig-413', ageSeconds: 9000 });
    expect(bySource['aws.ec2']?.reason).toContain('413');
    expect(bySource.unknown).toMatchObject({ kind: 'forwarder', errorClass: 'InvalidJson' });
    expect(bySource['aws.s3']).toMatchObject({ kind: 'redrive', errorClass: null });
    expect(String(bySource['aws.s3']?.reason)).toMatch(/no reason recorded.*redrive/);
    expect(bySource['aws.rds']).toMatchObject({ kind: 'eventbridge', errorClass: 'SDK_CLIENT_ERROR' });
    expect(String(bySource['aws.rds']?.reason)).toContain('KMS access denied');

    expect(await counts(sqs, q.dlqUrl)).toEqual(before);
    expect(before.visible).toBe(4);
  });

  test('list prints a readable table and honours --filter', async () => {
    const { code, out } = await run(['list', ...stageArgs(), '--filter', 'kind=forwarder']);
    expect(code).toBe(EXIT.ok);
    const lines = out.split('\n');
    expect(lines[1]).toMatch(/^MESSAGE ID\s+KIND\s+SOURCE\s+AGE\s+RECEIVES\s+REPLAYS\s+REASON$/);
    expect(lines.filter((l) => /\bforwarder\b/.test(l))).toHaveLength(2);
    expect(out).toContain('2h30m');
    expect(out).toContain('[PortRejected]');
    expect(out).not.toContain('aws.rds');
    expect((await counts(sqs, q.dlqUrl)).visible).toBe(4);
  });

  test('replay --filter moves exactly the matching message, without its failure attributes, and only once', async () => {
    const first = await run(['replay', ...stageArgs(), '--filter', 'reason~413']);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/Moved 1 message\(s\)/);

    const second = await run(['replay', ...stageArgs(), '--filter', 'reason~413']);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toMatch(/Moved 0 message\(s\)/);

    const replayed = await drain(sqs, q.eventsUrl);
    expect(replayed).toHaveLength(1);
    const m = replayed[0];
    expect(JSON.parse(m?.Body ?? '{}').id).toBe('ev-413');
    const attrs = m?.MessageAttributes ?? {};
    expect(Object.keys(attrs).sort()).toEqual(['firstFailureTime', 'originalMessageId', 'replayCount', 'source']);
    expect(attrs.replayCount?.StringValue).toBe('1');
    expect(attrs.firstFailureTime?.StringValue).toBe(FAILED_AT.toISOString());
    expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
  });

  test('replay without filter falls back to copy when move tasks are unsupported, moves all, and a rerun moves none', async () => {
    const first = await run(['replay', ...stageArgs()]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/StartMessageMoveTask unsupported/);
    expect(first.out).toMatch(/Moved 4 message\(s\)/);
    expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });

    const again = await run(['replay', ...stageArgs()]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/Moved 0 message\(s\)/);
    const bodies = (await drain(sqs, q.eventsUrl)).map((m) => m.Body);
    expect(bodies).toHaveLength(4);
    expect(new Set(bodies).size).toBe(4);
  });

  test('replay --dry-run prints what would move and changes nothing', async () => {
    const { code, out } = await run(['replay', ...stageArgs(), '--dry-run', '--filter', 'source=aws.s3|aws.rds', '--json']);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(out) as { dryRun: boolean; matched: number; moved: number; letters: Array<{ source: string }> };
    expect(report).toMatchObject({ dryRun: true, matched: 2, moved: 0 });
    expect(report.letters.map((l) => l.source).sort()).toEqual(['aws.rds', 'aws.s3']);
    expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 4, inFlight: 0 });
    expect(await counts(sqs, q.eventsUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  test('replay --limit moves at most that many', async () => {
    const { code } = await run(['replay', ...stageArgs(), '--limit', '3']);
    expect(code).toBe(EXIT.ok);
    expect((await counts(sqs, q.eventsUrl)).visible).toBe(3);
    expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 1, inFlight: 0 });
  });

  test('an interruption between send and delete duplicates but never loses a message', async () => {
    const real = new SQSClient({});
    const crashing: DlqDeps = {
      ...fast,
      sqs: {
        send: ((command: unknown) => {
          if (command instanceof DeleteMessageBatchCommand) return Promise.reject(Object.assign(new Error('connection reset'), { name: 'NetworkingError' }));
          return real.send(command as never);
        }) as SQSClient['send'],
      },
    };
    try {
      const crashed = await run(['replay', ...stageArgs(), '--filter', 'source=aws.ec2'], crashing);
      expect(crashed.code).toBe(EXIT.failure);
      expect(crashed.err).toMatch(/sent to the events queue but could not be deleted from the DLQ/);
      // Sent, and still in the DLQ (hidden until its visibility timeout): nothing lost.
      expect((await counts(sqs, q.eventsUrl)).visible).toBe(1);
      const dlq = await counts(sqs, q.dlqUrl);
      expect(dlq.visible + dlq.inFlight).toBe(4);

      await new Promise((r) => setTimeout(r, 2500)); // the replay's 2 s hold expires
      const rerun = await run(['replay', ...stageArgs(), '--filter', 'source=aws.ec2']);
      expect(rerun.code).toBe(EXIT.ok);
      const copies = (await drain(sqs, q.eventsUrl)).filter((m) => JSON.parse(m.Body ?? '{}').id === 'ev-413');
      expect(copies).toHaveLength(2);
      expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
    } finally {
      real.destroy();
    }
  });

  test('explicit --dlq-url / --queue-url work without a stack', async () => {
    const { code, out } = await run(['replay', '--stage', 'nosuchstage', '--dlq-url', q.dlqUrl, '--queue-url', q.eventsUrl, '--filter', 'kind=eventbridge']);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/Moved 1 message\(s\)/);
  });

  test('a missing stack names the fix and exits 4 (not found); a bad filter exits 2 before touching AWS', async () => {
    const missing = await run(['list', '--stage', 'nosuchstage', '--region', 'eu-west-1']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.err).toContain('sls deploy --stage nosuchstage');
    expect(missing.err).toContain('--dlq-url');

    const bad = await run(['replay', ...stageArgs(), '--filter', 'colour=red']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/unknown field "colour"/);
    expect(await counts(sqs, q.dlqUrl)).toEqual({ visible: 4, inFlight: 0 });
  });

  test('the npm entry point prints JSON and exits 0 (real process)', () => {
    const child = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'ops/dlq.ts', 'list', ...stageArgs(), '--json'], {
      cwd: ROOT,
      env: { ...process.env, ...moto.env, NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(0);
    expect((JSON.parse(child.stdout) as { letters: unknown[] }).letters).toHaveLength(4);
  });
});
