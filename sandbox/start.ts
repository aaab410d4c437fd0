/**
 * `npm start`: the whole product on 127.0.0.1 with a live dashboard. Ctrl-C (or SIGTERM) stops
 * every process it started. Options: --port <dashboard port>, --issues <n>, --seed <n>,
 * --schedule "rate(2 minutes)", --events-every <ms, 0 = off>, --verbose (function logs).
 */
import { motoAvailable, MOTO_MISSING } from '../local/aws/moto';
import { startSandbox, type SandboxOptions } from './index';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intOption(name: string): number | undefined {
  const raw = option(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} expects a whole number, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

// The AWS SDK warns once per client that Node 20 support ends in 2027: noise in a console guide.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning' && !w.message.startsWith('NodeVersionSupportWarning')) process.stderr.write(`${w.name}: ${w.message}\n`);
});

async function main(): Promise<void> {
  if (!motoAvailable()) {
    process.stderr.write(`${MOTO_MISSING}\n`);
    process.exit(1);
  }
  const verbose = process.argv.includes('--verbose');
  const opts: SandboxOptions = {
    dashboardPort: intOption('port'),
    issues: intOption('issues'),
    seed: intOption('seed'),
    schedule: option('schedule'),
    eventEveryMs: intOption('events-every'),
    log: (line) => say(`  ${line}`),
    onOfflineLine: verbose ? (line) => say(`  │ ${line}`) : undefined,
  };
  const t0 = Date.now();
  say('halo-jira-port sandbox: starting everything on 127.0.0.1');
  const sandbox = await startSandbox(opts);
  say(`  dashboard: ${sandbox.dashboardUrl} (shows start-up progress now)`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping sls offline, moto_server and the stand-ins…`);
    sandbox.stop().then(
      () => {
        say('stopped; nothing left running.');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`stop failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await sandbox.ready;
  } catch (err) {
    if (stopping) return; // Ctrl-C during start-up: shutdown() reports and exits
    process.stderr.write(`\nsandbox failed to start: ${(err as Error).message}\n`);
    await sandbox.stop();
    process.exit(1);
  }
  say(`\nReady in ${((Date.now() - t0) / 1000).toFixed(1)} s. Dashboard: ${sandbox.dashboardUrl}`);
  say(guide(sandbox.state.offline?.lambdaEndpoint ?? '', sandbox.state.world?.moto.endpoint ?? ''));
}

function guide(lambdaEndpoint: string, motoEndpoint: string): string {
  return `
What to try
  • Open the dashboard. The first jiraSync run files one Jira ticket per demo Halo issue;
    sample AWS events flow EventBridge → SQS → portForwarder → Port and become entities.
  • Click "Resolve" on an active Halo issue, then "Run jiraSync now": its ticket moves to Closed.
    "Re-activate" it and run again: the ticket is reopened.
  • Pick a sample event and "Emit event"; watch Port entities change (delete events remove them).
  • jiraSync also runs on its schedule; every run's summary is listed under "Last runs".
  • From a shell (AWS CLI or SDK), the local AWS is ${motoEndpoint}, e.g.
      AWS_ENDPOINT_URL=${motoEndpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws sqs list-queues
    and the functions can be invoked at ${lambdaEndpoint} (function halo-jira-port-local-jiraSync).
  Ctrl-C stops everything.`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
