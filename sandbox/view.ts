import type { SandboxState } from './boot';
import { emptySnapshot, type Snapshot, type StartupStep } from './snapshot';

/** The dashboard's document, rebuilt from whatever is up: stand-ins, moto, offline, the run log. */
export async function buildSnapshot(
  state: SandboxState,
  progress: { phase: Snapshot['phase']; error?: string; steps: StartupStep[]; samples: string[] },
): Promise<Snapshot> {
  const snap = emptySnapshot();
  snap.phase = progress.phase;
  snap.error = progress.error;
  snap.steps = progress.steps;
  snap.samples = progress.samples;
  snap.runs = state.runs.list();
  snap.resync = state.lastResync;
  const w = state.world;
  if (w) {
    snap.halo = w.rows.halo();
    snap.jira = w.rows.tickets();
    snap.port = w.rows.entities();
    snap.links = { Halo: w.halo.url, Jira: w.jira.url, 'Port API': w.port.apiUrl, 'Port ingest': w.port.ingestBaseUrl, moto: w.moto.endpoint };
  }
  if (state.offline) snap.links['Lambda endpoint'] = state.offline.lambdaEndpoint;
  if (state.deadLetters && progress.phase === 'ready') snap.dlq = await state.deadLetters.read().catch(() => ({ count: 0, messages: [] }));
  snap.counters = {
    'Halo issues': snap.halo.length,
    'Active Halo issues': snap.halo.filter((i) => i.status === 'active').length,
    'Jira tickets': snap.jira.length,
    'Port entities': snap.port.reduce((n, b) => n + b.entities.length, 0),
    'Events emitted': state.emitter?.emitted ?? 0,
    'Port ingest requests': w?.port.received.length ?? 0,
    'Port mapping/write failures': (w?.port.processed ?? []).reduce((n, p) => n + p.mappingFailures.length + p.writeFailures.length, 0),
    'jiraSync runs': state.runs.count('jiraSync'),
    'portResync runs': state.runs.count('portResync'),
  };
  return snap;
}
