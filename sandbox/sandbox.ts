import fs from 'node:fs';
import path from 'node:path';
import { MOTO_ACCOUNT, startMoto, type Moto } from '../local/aws/moto';
import { awsTarget, deployResources, printResources, type AwsTarget, type DeployedStack } from './aws/stack';
import { DeadLetterPeek } from './aws/dlq';
import { restoreFullEnvelope } from './aws/moto-envelope';
import { kmsEncryptForFunction, putCheckpoint, putSecureString } from './aws/seed';
import { startDashboard, type Dashboard } from './dashboard/server';
import { EventEmitter, loadSamples, sampleEffects, type SampleEffect } from './events';
import { DEFAULT_WEBHOOK_ID } from '../port/installer/plan';
import { startOffline, type InvokeResult, type Offline } from './offline';
import { installPort } from './port-install';
import { isSyncSummary, RunLog, syncSummaryText } from './runs';
import { emptySnapshot, type Snapshot, type StartupStep } from './snapshot';
import { ratePeriodMs, SyncGate } from './sync-gate';
import { startWorld, type World } from './world';

export interface SandboxOptions {
  /** Project root (serverless.yml, resources/, port/); default: this repository. */
  projectDir?: string;
  /** Dashboard port on 127.0.0.1; 0 = a free one (default 0). */
  dashboardPort?: number;
  /** Number of demo Halo issues (default 40) and the seed that makes them (default 7). */
  issues?: number;
  seed?: number;
  /** jiraSync schedule, `rate(N minutes|hours)` (default rate(1 minute)); the sandbox invokes on it. */
  schedule?: string;
  /** One sample event every `eventEveryMs` after the first burst of all samples; 0 = no stream (default 15000). */
  eventEveryMs?: number;
  /** Run jiraSync once as soon as everything is up (default true). */
  syncOnStart?: boolean;
  region?: string;
  /** Progress lines (start-up steps, failures). */
  log?: (line: string) => void;
  /** Every line sls offline prints (function logs included). */
  onOfflineLine?: (line: string) => void;
}

export interface SandboxState {
  moto?: Moto;
  aws?: AwsTarget;
  stack?: DeployedStack;
  world?: World;
  offline?: Offline;
  emitter?: EventEmitter;
  webhookUrl?: string;
  webhookSecret?: string;
  /** What each sample event does to Port's catalog under the installed mappings. */
  sampleEffects?: SampleEffect[];
  runs: RunLog;
}

export interface Sandbox {
  dashboardUrl: string;
  /** Resolves when every piece is up (rejects with the failing step's reason). */
  ready: Promise<void>;
  state: SandboxState;
  snapshot(): Promise<Snapshot>;
  runJiraSync(): Promise<InvokeResult>;
  /**
   * Emits the named sample, or with 'creating' every sample that only creates/updates entities
   * (their outcome does not depend on delivery order), or else the next sample in rotation.
   */
  emitEvent(name?: string): Promise<number>;
  stop(): Promise<void>;
}

const STACK_NAME = 'halo-jira-port-local';
const FUNCTION_PREFIX = 'halo-jira-port-local-';
const CHECKPOINT_PARAM = '/CloudPassage-Jira/issues/timestamp';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const projectDir = opts.projectDir ?? path.resolve(__dirname, '..');
  const region = opts.region ?? 'eu-west-1';
  const schedule = opts.schedule ?? 'rate(1 minute)';
  const log = opts.log ?? (() => undefined);
  const state: SandboxState = { runs: new RunLog() };
  const gate = new SyncGate();
  const periodMs = ratePeriodMs(schedule);
  if (periodMs === 0) throw new Error(`schedule must be rate(N minutes) or rate(N hours), got ${JSON.stringify(schedule)}`);
  const samples = loadSamples(path.join(projectDir, 'port', 'samples'));
  // Our own esbuild folder (git-ignored): a concurrent `sls` run elsewhere cannot wipe the bundles we run.
  const buildFolder = path.join('.sandbox', `esbuild-${process.pid}-${Date.now().toString(36)}`);
  const steps: StartupStep[] = [
    ['stand-ins', 'Halo, Jira and Port stand-ins with demo data'],
    ['moto', 'moto_server (local AWS)'],
    ['stack', 'Stack resources from resources/ deployed into moto CloudFormation'],
    ['secrets', 'Secrets (SSM SecureString, KMS ciphertext) and the jiraSync checkpoint in moto'],
    ['port-install', 'Port installer (port-only) against the Port stand-in'],
    ['offline', 'Functions under serverless-offline (+ SQS poller on moto)'],
  ].map(([id, title]) => ({ id: id!, title: title!, status: 'pending' }));
  let phase: Snapshot['phase'] = 'starting';
  let failure: string | undefined;
  let dlq: DeadLetterPeek | undefined;
  let streamTimer: NodeJS.Timeout | undefined;
  let scheduleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const step = async <T>(id: string, work: () => Promise<T>, detail?: (out: T) => string): Promise<T> => {
    const s = steps.find((x) => x.id === id)!;
    // Stopped during start-up: finish the step in flight, start no other.
    if (stopping) throw new Error(`stopped before: ${s.title}`);
    const t0 = Date.now();
    s.status = 'running';
    log(`… ${s.title}`);
    try {
      const out = await work();
      Object.assign(s, { status: 'done', ms: Date.now() - t0, detail: detail?.(out) });
      log(`✔ ${s.title} (${((Date.now() - t0) / 1000).toFixed(1)} s)${s.detail ? `: ${s.detail}` : ''}`);
      return out;
    } catch (err) {
      Object.assign(s, { status: 'failed', ms: Date.now() - t0, detail: (err as Error).message });
      log(`✖ ${s.title}: ${(err as Error).message}`);
      throw err;
    }
  };

  const snapshot = async (): Promise<Snapshot> => {
    const snap = emptySnapshot();
    snap.phase = phase;
    snap.error = failure;
    snap.steps = steps.map((s) => ({ ...s }));
    snap.samples = samples.map((s) => s.name);
    snap.runs = state.runs.list();
    const w = state.world;
    if (w) {
      snap.halo = w.haloRows();
      snap.jira = w.ticketRows();
      snap.port = w.entityRows();
      snap.links = { Halo: w.halo.url, Jira: w.jira.url, 'Port API': w.port.apiUrl, 'Port ingest': w.port.ingestBaseUrl };
    }
    if (state.moto) snap.links.moto = state.moto.endpoint;
    if (state.offline) snap.links['Lambda endpoint'] = state.offline.lambdaEndpoint;
    if (dlq && phase === 'ready') snap.dlq = await dlq.read().catch(() => ({ count: 0, messages: [] }));
    snap.counters = {
      'Halo issues': snap.halo.length,
      'Active Halo issues': snap.halo.filter((i) => i.status === 'active').length,
      'Jira tickets': snap.jira.length,
      'Port entities': snap.port.reduce((n, b) => n + b.entities.length, 0),
      'Events emitted': state.emitter?.emitted ?? 0,
      'Port ingest requests': w?.port.received.length ?? 0,
      'Port mapping/write failures': (w?.port.processed ?? []).reduce((n, p) => n + p.mappingFailures.length + p.writeFailures.length, 0),
      'jiraSync runs': state.runs.count('jiraSync'),
    };
    return snap;
  };

  /** One jiraSync invocation through the offline Lambda endpoint, recorded in the run log. */
  const invokeJiraSync = async (trigger: 'manual' | 'schedule'): Promise<InvokeResult> => {
    const offline = state.offline;
    if (!offline || stopping) throw new Error(stopping ? 'the sandbox is stopping' : 'the functions are not running yet');
    const out = await offline.invoke(`${FUNCTION_PREFIX}jiraSync`, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    const summary = out.ok && isSyncSummary(out.result) ? syncSummaryText(out.result) : (out.error ?? 'no summary');
    const failures = isSyncSummary(out.result) ? (out.result.failures?.length ?? 0) : 0;
    state.runs.add({ at: new Date().toISOString(), fn: 'jiraSync', trigger, ok: out.ok && failures === 0, summary });
    dashboard?.nudge();
    return out;
  };

  const runJiraSync = (): Promise<InvokeResult> => gate.run(() => invokeJiraSync('manual'));

  const emitEvent = async (name?: string): Promise<number> => {
    const emitter = state.emitter;
    if (!emitter) throw new Error('the event stream is not running yet');
    if (name === 'creating') {
      const creating = new Set((state.sampleEffects ?? []).filter((e) => e.deletes.length === 0 && e.creates.length > 0).map((e) => e.name));
      return emitter.emit(emitter.samples.filter((s) => creating.has(s.name)));
    }
    return emitter.emit(name ? [emitter.byName(name)] : undefined);
  };

  let dashboard: Dashboard | undefined;
  dashboard = await startDashboard({
    port: opts.dashboardPort ?? 0,
    snapshot,
    actions: {
      resolveIssue: async (id) => requireWorld(state).resolveIssue(id),
      reactivateIssue: async (id) => requireWorld(state).reactivateIssue(id),
      runJiraSync: async () => {
        const out = await runJiraSync();
        if (!out.ok) throw new Error(`jiraSync failed: ${out.error}`);
        return `jiraSync finished: ${isSyncSummary(out.result) ? syncSummaryText(out.result) : 'done'}.`;
      },
      emitEvent: async (sample) => `Emitted ${await emitEvent(sample)} event(s) onto the default bus.`,
    },
  });

  const onOfflineLine = (line: string): void => {
    if (state.runs.observe(line)) dashboard?.nudge();
    opts.onOfflineLine?.(line);
  };

  const boot = async (): Promise<void> => {
    const motoUp = step('moto', () => startMoto(region), (m) => m.endpoint);
    // sls print needs no AWS for --stage local: it runs while moto starts.
    const rendered = printResources(projectDir, { ...process.env, ...localAwsEnv(region), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const worldUp = step('stand-ins', () => startWorld({ issues: opts.issues ?? 40, seed: opts.seed ?? 7 }), (w) =>
      `${w.halo.issues().length} Halo issues, Jira project ${w.jiraSyncEnv.JIRA_PROJECT_KEY}, empty Port organisation`);
    const settled = await Promise.allSettled([motoUp, worldUp]);
    if (settled[0].status === 'fulfilled') state.moto = settled[0].value;
    if (settled[1].status === 'fulfilled') state.world = settled[1].value;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    const moto = state.moto!;
    const world = state.world!;
    const aws = (state.aws = awsTarget(moto.endpoint, region, MOTO_ACCOUNT));

    state.stack = await step('stack', async () => deployResources(await rendered, STACK_NAME, aws), (s) =>
      `${s.queues.map((q) => q.name).join(', ')}; rule ${s.rules.map((r) => r.name).join(', ')}` + (s.dropped.length ? `; left out: ${s.dropped.join(', ')}` : ''));
    await restoreFullEnvelope(aws, state.stack.rules.map((r) => r.name));
    const eventsQueue = state.stack.queues.find((q) => !/dlq/i.test(q.logicalId + q.name));
    const deadLetterQueue = state.stack.queues.find((q) => /dlq|dead/i.test(q.logicalId + q.name));
    if (!eventsQueue || !deadLetterQueue) throw new Error(`expected an events queue and a dead-letter queue in resources/, found ${state.stack.queues.map((q) => q.name).join(', ')}`);

    const secretEnv = await step('secrets', async () => {
      // Three ways an operator provides a secret, all exercised: SSM SecureString, KMS ciphertext, plain.
      const tokenParam = '/halo-jira-port/local/jira-api-token';
      await putSecureString(aws, tokenParam, world.jiraSyncEnv.JIRA_API_TOKEN!);
      const haloSecret = await kmsEncryptForFunction(aws, `${FUNCTION_PREFIX}jiraSync`, world.jiraSyncEnv.HALO_API_SECRET_KEY!);
      // Start before every demo issue so the first run reconciles all of them.
      await putCheckpoint(aws, CHECKPOINT_PARAM, new Date(world.earliestChange().getTime() - 60_000));
      return { JIRA_API_TOKEN: '', JIRA_API_TOKEN_SSM_PARAM: tokenParam, HALO_API_SECRET_KEY: haloSecret };
    }, () => 'JIRA_API_TOKEN from SSM, HALO_API_SECRET_KEY KMS-encrypted, checkpoint before the oldest demo issue');

    const installed = await step('port-install', () => installPort({ port: world.port }), (r) => {
      const created = Object.entries(r.actions).filter(([, a]) => a === 'create').map(([k]) => k);
      return `created ${created.length} object(s): ${created.join(', ')}`;
    });
    state.webhookUrl = installed.webhookUrl;
    state.webhookSecret = installed.webhookSecret;
    state.sampleEffects = await sampleEffects(samples, world.port.webhook(DEFAULT_WEBHOOK_ID)?.mappings ?? [], aws);

    dlq = new DeadLetterPeek(aws, deadLetterQueue.url);
    fs.mkdirSync(path.join(projectDir, '.sandbox'), { recursive: true });
    state.emitter = new EventEmitter(aws, samples);
    state.offline = await step('offline', () =>
      startOffline({
        projectDir,
        onLine: onOfflineLine,
        env: {
          ...process.env,
          ...moto.env,
          ...world.jiraSyncEnv,
          ...secretEnv,
          AWS_SSM_TIMESTAMP_PARAM: CHECKPOINT_PARAM,
          // The sandbox invokes jiraSync on `schedule` itself, serialised with manual runs (SyncGate).
          JIRA_SYNC_SCHEDULE_ENABLED: 'false',
          // A stuck run is ended (and shown as failed) after 2 minutes instead of AWS's 15, freeing the queue.
          JIRA_SYNC_TIMEOUT: process.env.JIRA_SYNC_TIMEOUT ?? '120',
          PORT_WEBHOOK_URL: state.webhookUrl!,
          PORT_WEBHOOK_SECRET: state.webhookSecret ?? '',
          DEAD_LETTER_QUEUE_URL: deadLetterQueue.url,
          NODE_NO_WARNINGS: '1',
          ESBUILD_WORK_FOLDER: buildFolder,
        },
      }), (o) => `Lambda endpoint ${o.lambdaEndpoint}, jiraSync ${schedule}, portForwarder on ${eventsQueue.name}`);
  };

  const ready = boot().then(
    () => {
      phase = 'ready';
      dashboard?.nudge();
      if (opts.syncOnStart ?? true) void runJiraSync().catch((err: unknown) => stopping || log(`jiraSync on start failed: ${(err as Error).message}`));
      scheduleTimer = setInterval(() => void gate.tick(() => invokeJiraSync('schedule')).catch(() => undefined), periodMs);
      scheduleTimer.unref();
      void emitEvent('creating').catch((err: unknown) => stopping || log(`emitting sample events failed: ${(err as Error).message}`));
      const every = opts.eventEveryMs ?? 15_000;
      if (every > 0 && samples.length > 0) {
        streamTimer = setInterval(() => void emitEvent().catch(() => undefined), every);
        streamTimer.unref();
      }
    },
    (err: unknown) => {
      phase = 'failed';
      failure = (err as Error).message;
      dashboard?.nudge();
      throw err;
    },
  );
  ready.catch(() => undefined); // the caller awaits `ready`; no unhandled rejection meanwhile

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      phase = 'stopping';
      if (streamTimer) clearInterval(streamTimer);
      if (scheduleTimer) clearInterval(scheduleTimer);
      await ready.catch(() => undefined);
      await state.offline?.stop();
      state.emitter?.close();
      dlq?.close();
      await state.world?.stop();
      await state.moto?.stop();
      fs.rmSync(path.join(projectDir, buildFolder), { recursive: true, force: true });
      phase = 'stopped';
      await dashboard?.stop();
    })());

  return { dashboardUrl: dashboard.url, ready, state, snapshot, runJiraSync, emitEvent, stop };
}

function requireWorld(state: SandboxState): World {
  if (!state.world) throw new Error('the stand-ins are not running yet');
  return state.world;
}

function localAwsEnv(region: string): Record<string, string> {
  return { AWS_REGION: region, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', NODE_NO_WARNINGS: '1' };
}
