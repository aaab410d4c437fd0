import { randomUUID } from 'node:crypto';
import { forEachTarget, type ClientConfig, type Target, type TargetAccess, type TargetFailure } from '../../shared/aws/accounts';
import type { Deadline } from '../../shared/http/retry';
import { SOURCE_RESERVE_MS, type EntityWriter, type PortCatalog, type ResyncResult } from './resync';
import { zeroCounts, type Counts, type ResyncState, type StateStore } from './state';

/**
 * A resync of several accounts × regions: one `resync` per target (its own listing clients, its own
 * progress), at most `concurrency` at once, each within its own deadline (docs/organization.md
 * "Resync across accounts"). A target that fails (AssumeRole refused, throttled, too slow) is
 * reported and deletes nothing: its delete passes never run, since they only follow a complete
 * listing made with its credentials. A Port failure is not the account's: it fails the invocation.
 */
interface TargetReport extends Counts {
  account: string;
  region: string;
  accountName?: string;
  /** resynced: finished; continues: time ran out, progress kept; not-started: no time left; failed: see `failure`. */
  outcome: 'resynced' | 'continues' | 'not-started' | 'failed';
  pending: string[];
  durationMs: number;
  failure?: TargetFailure;
}

export interface AccountsResult extends ResyncResult {
  targets: TargetReport[];
  /** Targets that failed (nothing of them deleted). */
  targetsFailed: number;
}

/** What one target's resync needs from its caller (the Port side is shared by all targets). */
export interface TargetRun {
  target: Target;
  clientConfig: ClientConfig;
  state: StateStore;
  deadline: Deadline;
  port: PortCatalog;
  writer: EntityWriter;
}

export interface AccountsDeps {
  targets: readonly Target[];
  sources: readonly string[];
  access: TargetAccess;
  concurrency: number;
  /** Per target; unset: only the invocation's deadline (one target gets all of it). */
  targetDeadlineMs?: number;
  deadline: Deadline;
  stateOf(target: Target): StateStore;
  port: PortCatalog;
  writer: EntityWriter;
  resyncTarget(run: TargetRun): Promise<ResyncResult>;
  now?: () => number;
}

/** A target's own resync stops this long before its hard deadline: room to save its progress. */
const TARGET_GRACE_MS = 5_000;

export async function resyncTargets(deps: AccountsDeps): Promise<AccountsResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const states = new Map(await Promise.all(deps.targets.map(async (t) => [t, await deps.stateOf(t).load()] as const)));
  const ordered = [...deps.targets].sort((a, b) => priority(states.get(a)) - priority(states.get(b)) || lastFinished(states.get(a)).localeCompare(lastFinished(states.get(b))));
  const portFailure: { error?: unknown } = {};
  const { port, writer } = sharedPort(deps.port, deps.writer, portFailure);
  const hardMs = Math.max(1, Math.min(deps.targetDeadlineMs ?? Number.POSITIVE_INFINITY, deps.deadline.remainingMs()));

  const results = await forEachTarget(
    ordered,
    async (target, clientConfig, signal) => {
      const end = now() + hardMs - TARGET_GRACE_MS;
      const deadline: Deadline = { remainingMs: () => (signal.aborted || portFailure.error ? 0 : Math.min(deps.deadline.remainingMs(), end - now())) };
      if (deadline.remainingMs() < SOURCE_RESERVE_MS) return undefined;
      return deps.resyncTarget({ target, clientConfig, state: deps.stateOf(target), deadline, port, writer });
    },
    { concurrency: deps.concurrency, deadlinePerTargetMs: hardMs, access: deps.access },
  );
  if (portFailure.error) throw portFailure.error;

  const targets = results.map((r): TargetReport => {
    const where = { account: r.target.accountId, region: r.target.region, ...(r.target.accountName ? { accountName: r.target.accountName } : {}) };
    if (!r.ok) return { ...where, ...zeroCounts(), outcome: 'failed', pending: [], durationMs: r.ms, failure: r.failure };
    if (!r.value) return { ...where, ...zeroCounts(), outcome: 'not-started', pending: states.get(r.target)?.progress?.pending ?? [...deps.sources], durationMs: 0 };
    const { created, updated, deleted, unchanged, failed, pending, durationMs, complete } = r.value;
    return { ...where, created, updated, deleted, unchanged, failed, pending, durationMs, outcome: complete ? 'resynced' : 'continues' };
  });
  const sum = (k: keyof Counts): number => targets.reduce((n, t) => n + t[k], 0);
  const pending = targets.flatMap((t) => t.pending.map((s) => `${t.account}/${t.region}/${s}`));
  return {
    runId: results.length === 1 && results[0]?.ok && results[0].value ? results[0].value.runId : randomUUID(),
    complete: pending.length === 0,
    pending,
    durationMs: now() - started,
    failures: results.flatMap((r) => (r.ok && r.value ? r.value.failures : [])),
    created: sum('created'),
    updated: sum('updated'),
    deleted: sum('deleted'),
    unchanged: sum('unchanged'),
    failed: sum('failed'),
    targets,
    targetsFailed: targets.filter((t) => t.outcome === 'failed').length,
  };
}

/** Unfinished first, then the longest since its last finished resync (never first): no target starves. */
const priority = (s: ResyncState | undefined): number => (s?.progress && s.progress.pending.length > 0 ? 0 : 1);
const lastFinished = (s: ResyncState | undefined): string => s?.last?.finishedAt ?? '';

/**
 * The Port side shared by every target: the first error is recorded (every target then stops and
 * the invocation fails with it), and each blueprint × region is searched once per invocation — each
 * target only decides about its own account's entities, which no other target writes.
 */
function sharedPort(port: PortCatalog, writer: EntityWriter, failure: { error?: unknown }): { port: PortCatalog; writer: EntityWriter } {
  const watch = <R>(p: Promise<R>): Promise<R> =>
    p.catch((err: unknown) => {
      failure.error ??= err;
      throw err;
    });
  const searches = new Map<string, ReturnType<PortCatalog['searchByRegion']>>();
  return {
    port: {
      searchByRegion: (blueprint, region, deadline) => {
        const key = `${blueprint}\u0000${region}`;
        if (!searches.has(key)) searches.set(key, watch(port.searchByRegion(blueprint, region, deadline)));
        return searches.get(key) as ReturnType<PortCatalog['searchByRegion']>;
      },
      exists: (blueprint, identifier, deadline) => watch(port.exists(blueprint, identifier, deadline)),
      remove: (blueprint, identifiers, deadline) => watch(port.remove(blueprint, identifiers, deadline)),
    },
    writer: { write: (entities, deadline) => watch(writer.write(entities, deadline)) },
  };
}
