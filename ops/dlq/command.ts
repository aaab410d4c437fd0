import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Command, Option } from 'commander';
import { EnvReader } from '../../shared/config/env';
import { sleep as realSleep } from '../../shared/http/retry';
import { addCommand, createProgram, EXIT, onRun, parse, runProgram, UsageError, type Io } from '../../shared/cli';
import { parseFilters } from './filter';
import { latestMoveTask, startMoveTask, UNSUPPORTED, waitForMoveTask } from './move-task';
import { depth, peekLetters, PEEK_DEFAULTS, type ReceiveOptions, type Sqs } from './peek';
import { parseQueueLocation, pickOutput, resolveQueue, stackName, stackOutputs, STACK_OUTPUTS, type Queue, type QueueRef } from './queues';
import { replayByCopy, REPLAY_DEFAULTS } from './replay';
import { letterJson, letterRows } from './table';

/** `npm run dlq -- list|replay`: see docs/operations.md for options, filter syntax and exit codes. */
export interface DlqDeps {
  sqs?: Sqs;
  cfn?: Pick<CloudFormationClient, 'send'>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  peek?: ReceiveOptions;
  replay?: ReceiveOptions;
  movePollMs?: number;
}

interface CommonOptions {
  stage: string;
  region?: string;
  queueUrl?: string;
  dlqUrl?: string;
  json?: boolean;
  limit?: number;
  filter: string[];
}
interface ReplayOptions extends CommonOptions {
  dryRun?: boolean;
  copy?: boolean;
  wait: boolean;
}

const SCRIPT = 'dlq';
const STAGE_NOTE = 'The queues come from the outputs of the stack halo-jira-port-<stage>, or from --dlq-url / --queue-url.';

function withCommon(cmd: Command): Command {
  return cmd
    .option('--stage <stage>', 'stage whose stack (halo-jira-port-<stage>) names the queues', 'dev')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the SDK default chain)')
    .option('--queue-url <url>', 'events queue URL or ARN (env EVENTS_QUEUE_URL); skips the stack lookup')
    .option('--dlq-url <url>', 'dead-letter queue URL or ARN (env DEAD_LETTER_QUEUE_URL); skips the stack lookup')
    .option('--filter <term>', 'only messages matching <term>, e.g. reason~413, source=aws.ec2, older-than=1h (repeat to AND)', parse.collect, [])
    .option('--json', 'machine-readable output');
}

/** The command tree of `npm run dlq`; `runDlq` parses and runs it. */
export function dlqProgram(io: Io, deps: DlqDeps = {}): Command {
  const program = createProgram({
    script: SCRIPT,
    description: `Inspect and replay the portForwarder dead-letter queue. ${STAGE_NOTE}`,
    examples: [
      { command: 'npm run dlq -- list --stage prod', does: 'what is in the DLQ, and why' },
      { command: "npm run dlq -- replay --stage prod --filter 'reason~413' --dry-run", does: 'what a filtered replay would move' },
    ],
  }, io);
  const list = addCommand(program, {
    name: 'list',
    description: 'show dead-lettered messages without consuming them',
    examples: [
      { command: 'npm run dlq -- list --stage prod', does: 'table of messages: kind, source, age, reason' },
      { command: 'npm run dlq -- list --stage prod --filter kind=forwarder --json', does: 'only the forwarder\'s letters, as JSON' },
      { command: 'npm run dlq -- list --dlq-url https://sqs.eu-west-1.amazonaws.com/123456789012/q-dlq', does: 'a queue named directly (no stack lookup)' },
    ],
  });
  onRun<CommonOptions>(withCommon(list).addOption(new Option('--limit <n>', 'show at most n messages').argParser(parse.positiveInt).default(50)), (opts) =>
    listLetters(opts, io, deps).catch(rethrowWithRegionHint),
  );
  const replayCmd = addCommand(program, {
    name: 'replay',
    description: 'move dead-lettered messages back to the events queue',
    examples: [
      { command: 'npm run dlq -- replay --stage prod --dry-run', does: 'what would move; changes nothing' },
      { command: "npm run dlq -- replay --stage prod --filter 'reason~413'", does: 'only the messages Port refused as too large' },
      { command: 'npm run dlq -- replay --stage prod', does: 'everything (an SQS move task where available)' },
    ],
  });
  onRun<ReplayOptions>(
    withCommon(replayCmd)
      .addOption(new Option('--limit <n>', 'move at most n messages').argParser(parse.positiveInt))
      .option('--dry-run', 'print what would move; change nothing')
      .option('--copy', 'replay by receive → send → delete even when SQS could move the messages itself')
      .option('--no-wait', 'with a native move task: start it and return'),
    (opts) => replay(opts, io, deps).catch(rethrowWithRegionHint),
  );
  return program;
}

export async function runDlq(argv: readonly string[], io: Io, deps: DlqDeps = {}): Promise<number> {
  return runProgram(dlqProgram(io, deps), argv, io);
}

/** The SDK's own wording for a missing region does not say how to give one. */
function rethrowWithRegionHint(err: unknown): never {
  throw /Region is missing/i.test((err as Error).message ?? '') ? new UsageError('no AWS region: pass --region or set AWS_REGION') : err;
}

interface Session {
  sqs: Sqs;
  dlq: Queue;
  events?: Queue;
  close(): void;
}

async function open(opts: CommonOptions, io: Io, deps: DlqDeps, needEvents: boolean): Promise<Session> {
  const env = new EnvReader(io.env);
  const dlqGiven = opts.dlqUrl ? { value: opts.dlqUrl, origin: '--dlq-url' } : given(env, 'DEAD_LETTER_QUEUE_URL');
  const eventsGiven = opts.queueUrl ? { value: opts.queueUrl, origin: '--queue-url' } : given(env, 'EVENTS_QUEUE_URL');
  const dlqRef = dlqGiven && parseQueueLocation(dlqGiven.value, dlqGiven.origin);
  const eventsRef = needEvents && eventsGiven ? parseQueueLocation(eventsGiven.value, eventsGiven.origin) : undefined;
  const region = opts.region ?? env.raw('AWS_REGION') ?? env.raw('AWS_DEFAULT_REGION') ?? dlqRef?.region ?? eventsRef?.region;
  const needStack = !dlqRef || (needEvents && !eventsRef);
  const ownSqs = deps.sqs ? undefined : new SQSClient({ region });
  const ownCfn = deps.cfn || !needStack ? undefined : new CloudFormationClient({ region });
  const sqs = deps.sqs ?? (ownSqs as SQSClient);
  const close = (): void => {
    ownSqs?.destroy();
    ownCfn?.destroy();
  };
  try {
    let outputs: Record<string, string> | undefined;
    const fromStack = async (keys: readonly string[]): Promise<QueueRef> => {
      outputs ??= await stackOutputs(deps.cfn ?? (ownCfn as CloudFormationClient), opts.stage);
      const { key, value } = pickOutput(outputs, keys, opts.stage);
      return parseQueueLocation(value, `stack ${stackName(opts.stage)} output ${key}`);
    };
    const dlq = await resolveQueue(sqs, dlqRef ?? (await fromStack(STACK_OUTPUTS.deadLetter)));
    let events: Queue | undefined;
    if (needEvents) {
      events = await resolveQueue(sqs, eventsRef ?? (await fromStack(STACK_OUTPUTS.events)));
      if (events.arn === dlq.arn) throw new UsageError('the events queue and the DLQ are the same queue: check --queue-url / --dlq-url');
    }
    return { sqs, dlq, events, close };
  } catch (err) {
    close();
    throw err;
  }
}

function given(env: EnvReader, name: string): { value: string; origin: string } | undefined {
  const value = env.raw(name);
  return value === undefined ? undefined : { value, origin: name };
}

async function listLetters(opts: CommonOptions, io: Io, deps: DlqDeps): Promise<number> {
  const filter = parseFilters(opts.filter);
  const s = await open(opts, io, deps, false);
  try {
    const before = await depth(s.sqs, s.dlq.url);
    const peeked = await peekLetters(s.sqs, s.dlq.url, opts.limit ?? 50, (deps.now ?? (() => new Date()))(), deps.peek ?? PEEK_DEFAULTS);
    const letters = peeked.filter(filter);
    if (opts.json) {
      io.out(JSON.stringify({ queue: { name: s.dlq.name, url: s.dlq.url, ...before }, peeked: peeked.length, letters: letters.map((l) => letterJson(l)) }, null, 2));
      return EXIT.ok;
    }
    io.out(`DLQ ${s.dlq.name}: ~${before.visible} visible, ~${before.inFlight} in flight (${s.dlq.url})`);
    if (letters.length === 0) {
      io.out(peeked.length === 0 ? 'No dead-lettered messages.' : `None of the ${peeked.length} peeked message(s) match the filter.`);
      return EXIT.ok;
    }
    for (const line of letterRows(letters)) io.out(line);
    const more = before.visible > peeked.length ? ` (${before.visible - peeked.length} more not shown: raise --limit)` : '';
    io.out(`${letters.length} shown of ${peeked.length} peeked${more}. Nothing was consumed.`);
    return EXIT.ok;
  } finally {
    s.close();
  }
}

async function replay(opts: ReplayOptions, io: Io, deps: DlqDeps): Promise<number> {
  const filter = parseFilters(opts.filter);
  const s = await open(opts, io, deps, true);
  const events = s.events as Queue;
  const say = (line: string): void => (opts.json ? io.err(line) : io.out(line));
  try {
    const whole = opts.filter.length === 0 && opts.limit === undefined && !opts.dryRun && !opts.copy;
    if (whole) {
      const native = await replayByMoveTask(s, events, opts, say, deps);
      if (native !== undefined) {
        if (opts.json) io.out(JSON.stringify({ method: 'move-task', ...native.json }, null, 2));
        return native.code;
      }
      say('SQS message move tasks are not available on this endpoint (StartMessageMoveTask unsupported): replaying by receive → send → delete.');
    }
    const report = await replayByCopy(s.sqs, s.dlq.url, events.url, {
      filter,
      limit: opts.limit ?? Number.POSITIVE_INFINITY,
      dryRun: opts.dryRun === true,
      now: (deps.now ?? (() => new Date()))(),
      receive: deps.replay ?? REPLAY_DEFAULTS,
    });
    if (opts.json) {
      io.out(JSON.stringify({
        method: 'copy',
        dryRun: opts.dryRun === true,
        from: s.dlq.url,
        to: events.url,
        matched: report.matched.length,
        moved: report.moved.length,
        skipped: report.skipped,
        failed: report.failed.map((f) => ({ ...letterJson(f.letter), error: f.error })),
        letters: (opts.dryRun ? report.matched : report.moved).map((l) => letterJson(l)),
      }, null, 2));
    } else {
      const shown = opts.dryRun ? report.matched : report.moved;
      if (shown.length > 0) for (const line of letterRows(shown)) io.out(line);
      for (const f of report.failed) io.out(`✘ ${f.letter.messageId} not sent (${f.error}); it stays in the DLQ`);
      io.out(
        opts.dryRun
          ? `Dry run: would move ${report.matched.length} message(s) from ${s.dlq.name} to ${events.name}; ${report.skipped} would stay. Nothing changed.`
          : `Moved ${report.moved.length} message(s) from ${s.dlq.name} to ${events.name}; ${report.skipped} left in place (not matching or over --limit); ${report.failed.length} failed.`,
      );
    }
    return report.failed.length > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    s.close();
  }
}

/** undefined = the endpoint has no move tasks (fall back to copy). */
async function replayByMoveTask(
  s: Session,
  events: Queue,
  opts: ReplayOptions,
  say: (line: string) => void,
  deps: DlqDeps,
): Promise<{ code: number; json: Record<string, unknown> } | undefined> {
  const running = await latestMoveTask(s.sqs, s.dlq.arn);
  if (running === UNSUPPORTED) return undefined;
  if (running?.status === 'RUNNING') {
    say(`A move task is already running on ${s.dlq.name} (${running.moved}/${running.toMove ?? '?'} moved). Wait for it, or cancel it with ` +
      `\`aws sqs cancel-message-move-task --task-handle ${running.taskHandle ?? '<handle>'}\`.`);
    // Another run holds the queue: the conflict row of the exit-code table.
    return { code: EXIT.partial, json: { ...running, status: 'ALREADY_RUNNING' } };
  }
  const handle = await startMoveTask(s.sqs, s.dlq.arn, events.arn);
  if (handle === UNSUPPORTED) return undefined;
  say(`Started SQS move task ${s.dlq.name} → ${events.name} (messages keep their attributes).`);
  if (!opts.wait) return { code: EXIT.ok, json: { status: 'RUNNING', taskHandle: handle } };
  const done = await waitForMoveTask(s.sqs, s.dlq.arn, {
    pollMs: deps.movePollMs ?? 2000,
    sleep: deps.sleep ?? realSleep,
    onProgress: (p) => say(`  ${p.status}: ${p.moved}/${p.toMove ?? '?'} moved`),
  });
  const ok = done.status === 'COMPLETED';
  say(ok ? `Move task completed: ${done.moved} message(s) moved.` : `Move task ended ${done.status}: ${done.failureReason ?? 'no reason given'}`);
  return { code: ok ? EXIT.ok : EXIT.failure, json: { taskHandle: handle, ...done } };
}
