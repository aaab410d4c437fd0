import fs from 'node:fs';
import path from 'node:path';
import { SandboxActions } from './actions';
import { boot, type SandboxState } from './boot';
import { startDashboard } from './dashboard/server';
import { loadSamples } from './events';
import type { InvokeResult } from './offline';
import { RunLog } from './runs';
import type { Snapshot } from './snapshot';
import { StartupSteps } from './steps';
import { ratePeriodMs, SyncGate } from './sync-gate';
import { buildSnapshot } from './view';

export type { SandboxState } from './boot';

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
  /** Run portResync once as soon as everything is up, before the first sample events (default true). */
  resyncOnStart?: boolean;
  region?: string;
  /** Progress lines (start-up steps, failures). */
  log?: (line: string) => void;
  /** Every line sls offline prints (function logs included). */
  onOfflineLine?: (line: string) => void;
}

export interface Sandbox {
  dashboardUrl: string;
  /** Resolves when every piece is up (rejects with the failing step's reason). */
  ready: Promise<void>;
  state: SandboxState;
  snapshot(): Promise<Snapshot>;
  runJiraSync(): Promise<InvokeResult>;
  /** One portResync (moto's resources → Port), as the dashboard's button runs it. */
  runPortResync(): Promise<InvokeResult>;
  /**
   * Emits the named sample, or with 'creating' every sample that only creates/updates entities
   * (their outcome does not depend on delivery order), or else the next sample in rotation.
   */
  emitEvent(name?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * `npm start` as a function: the dashboard first (it shows start-up progress), then the start-up
 * steps (boot.ts), then the schedule and the sample event stream; stop() undoes all of it.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const projectDir = opts.projectDir ?? path.resolve(__dirname, '..');
  const schedule = opts.schedule ?? 'rate(1 minute)';
  const log = opts.log ?? (() => undefined);
  const periodMs = ratePeriodMs(schedule);
  if (periodMs === 0) throw new Error(`schedule must be rate(N minutes) or rate(N hours), got ${JSON.stringify(schedule)}`);
  const samples = loadSamples(path.join(projectDir, 'port', 'samples'));
  const buildFolder = path.join('.sandbox', `esbuild-${process.pid}-${Date.now().toString(36)}`);
  const state: SandboxState = { runs: new RunLog() };
  const steps = new StartupSteps(log);
  let phase: Snapshot['phase'] = 'starting';
  let failure: string | undefined;
  let timers: NodeJS.Timeout[] = [];
  let stopping: Promise<void> | undefined;

  const snapshot = (): Promise<Snapshot> =>
    buildSnapshot(state, { phase, error: failure, steps: steps.list(), samples: samples.map((s) => s.name) });
  const actions = new SandboxActions(state, new SyncGate(), { isStopping: () => stopping !== undefined, changed: () => dashboard.nudge() });
  const dashboard = await startDashboard({ port: opts.dashboardPort ?? 0, snapshot, actions: actions.forDashboard() });

  const onOfflineLine = (line: string): void => {
    if (state.runs.observe(line)) dashboard.nudge();
    opts.onOfflineLine?.(line);
  };
  const bootOpts = { projectDir, region: opts.region ?? 'eu-west-1', schedule, issues: opts.issues ?? 40, seed: opts.seed ?? 7, samples, buildFolder, onOfflineLine };
  const ready = boot(bootOpts, steps, state).then(
    () => {
      phase = 'ready';
      dashboard.nudge();
      timers = startRunning(actions, { syncOnStart: opts.syncOnStart ?? true, resyncOnStart: opts.resyncOnStart ?? true, periodMs, eventEveryMs: samples.length > 0 ? (opts.eventEveryMs ?? 15_000) : 0 }, (what, err) =>
        stopping || log(`${what} failed: ${err.message}`),
      );
    },
    (err: unknown) => {
      phase = 'failed';
      failure = (err as Error).message;
      dashboard.nudge();
      throw err;
    },
  );
  ready.catch(() => undefined); // the caller awaits `ready`; no unhandled rejection meanwhile

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      phase = 'stopping';
      steps.halt();
      for (const t of timers) clearInterval(t);
      await ready.catch(() => undefined);
      await stopPieces(state);
      fs.rmSync(path.join(projectDir, buildFolder), { recursive: true, force: true });
      phase = 'stopped';
      await dashboard.stop();
    })());

  return {
    dashboardUrl: dashboard.url,
    ready,
    state,
    snapshot,
    runJiraSync: () => actions.runJiraSync(),
    runPortResync: () => actions.runPortResync(),
    emitEvent: (name) => actions.emitEvent(name),
    stop,
  };
}

/**
 * Once ready: a first jiraSync run, the schedule, a first portResync, every creating sample once,
 * then one sample every `eventEveryMs` (0 = none). Returns the timers to clear on stop.
 * The samples' entities carry moto's account and the sandbox's region but name resources moto does
 * not hold, so a resync deletes them (as it would in AWS): the first resync runs before they are emitted.
 */
export function startRunning(
  actions: Pick<SandboxActions, 'runJiraSync' | 'scheduledJiraSync' | 'runPortResync' | 'emitEvent'>,
  opts: { syncOnStart: boolean; resyncOnStart: boolean; periodMs: number; eventEveryMs: number },
  failed: (what: string, err: Error) => void,
): NodeJS.Timeout[] {
  if (opts.syncOnStart) void actions.runJiraSync().catch((err: Error) => failed('jiraSync on start', err));
  const timers = [setInterval(() => void actions.scheduledJiraSync().catch(() => undefined), opts.periodMs)];
  const emitCreating = (): void => void actions.emitEvent('creating').catch((err: Error) => failed('emitting sample events', err));
  if (opts.resyncOnStart) {
    void actions.runPortResync('start').then(
      (out) => (out.ok ? undefined : failed('portResync on start', new Error(out.error ?? 'failed'))),
      (err: Error) => failed('portResync on start', err),
    ).then(emitCreating);
  } else emitCreating();
  if (opts.eventEveryMs > 0) timers.push(setInterval(() => void actions.emitEvent().catch(() => undefined), opts.eventEveryMs));
  for (const t of timers) t.unref();
  return timers;
}

/** Takes down what is up, the functions first (they talk to everything else), the world last. */
export async function stopPieces(state: SandboxState): Promise<void> {
  await state.offline?.stop();
  state.emitter?.close();
  state.deadLetters?.close();
  await state.world?.stop();
}
