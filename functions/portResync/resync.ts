import { randomUUID } from 'node:crypto';
import { ACCOUNT_BLUEPRINT, SOURCE_BLUEPRINTS, accountEntity, type PortEntity, type Scope } from '../../port/mappings/definitions';
import type { Deadline } from '../../shared/http/retry';
import { diffBlueprint, type BlueprintDiff, type StoredEntity } from './diff';
import type { Listing } from './inventory/types';
import { zeroCounts, type Counts, type Progress, type ResyncSummary, type StateStore } from './state';

/**
 * One resync invocation: for each pending source, list AWS → build entities → diff with what Port
 * holds → write what changed → delete this account's + region's entities the listing did not
 * return. Progress is saved after each source, so an invocation that runs out of time leaves the
 * rest to the next one; a source whose listing was cut short gets no delete pass.
 */
interface PortCatalog {
  searchByRegion(blueprint: string, region: string, deadline: Deadline): Promise<StoredEntity[]>;
  exists(blueprint: string, identifier: string, deadline: Deadline): Promise<boolean>;
  remove(blueprint: string, identifiers: readonly string[], deadline: Deadline): Promise<number>;
}

/** Writes entities (merge: what is not sent is kept) and returns the identifiers Port refused. */
export interface EntityWriter {
  write(entities: readonly PortEntity[], deadline: Deadline): Promise<Array<{ identifier: string; error: string }>>;
}

export interface ResyncDeps {
  sources: readonly string[];
  scope: Scope;
  list(source: string, deadline: Deadline): Promise<Listing>;
  port: PortCatalog;
  writer: EntityWriter;
  state: StateStore;
  deadline: Deadline;
  now?: () => number;
  newRunId?: () => string;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface ResyncResult extends Counts {
  runId: string;
  /** False when time ran out: `pending` sources continue on the next invocation. */
  complete: boolean;
  pending: string[];
  durationMs: number;
  failures: Array<{ blueprint: string; identifier: string; error: string }>;
}

/** A source is only started with this much time left (listing, searches, writes, deletes). */
export const SOURCE_RESERVE_MS = 20_000;

export async function resync(deps: ResyncDeps): Promise<ResyncResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const log = deps.log ?? (() => undefined);
  const saved = await deps.state.load();
  const fresh = !saved.progress || saved.progress.pending.length === 0;
  const progress: Progress & { invocations: number } = fresh
    ? { runId: (deps.newRunId ?? randomUUID)(), startedAt: new Date(started).toISOString(), pending: [...deps.sources], counts: zeroCounts(), elapsedMs: 0, invocations: 0 }
    : (saved.progress as Progress & { invocations: number });
  progress.invocations += 1;
  const failures: ResyncResult['failures'] = [];

  if (fresh && !(await deps.port.exists(ACCOUNT_BLUEPRINT, deps.scope.account, deps.deadline))) {
    const refused = await deps.writer.write([accountEntity(deps.scope)], deps.deadline);
    failures.push(...refused.map((f) => ({ blueprint: ACCOUNT_BLUEPRINT, ...f })));
  }

  while (progress.pending.length > 0) {
    const source = progress.pending[0] as string;
    if (deps.deadline.remainingMs() < SOURCE_RESERVE_MS) break;
    const blueprints = SOURCE_BLUEPRINTS[source];
    if (!blueprints) throw new Error(`no blueprints defined for source ${source}`);
    const listing = await deps.list(source, deps.deadline);
    const diffs: BlueprintDiff[] = [];
    // Relation targets first (ECS clusters before their services and tasks).
    for (const bp of [...blueprints].reverse()) {
      const stored = await deps.port.searchByRegion(bp, deps.scope.region, deps.deadline);
      diffs.push(diffBlueprint(bp, listing.entities, stored, deps.scope, { listingComplete: listing.complete }));
    }
    const writes = diffs.flatMap((d) => [...d.create, ...d.update]);
    const refused = writes.length > 0 ? await deps.writer.write(writes, deps.deadline) : [];
    const refusedIds = new Set(refused.map((f) => f.identifier));
    for (const d of diffs) {
      progress.counts.created += d.create.filter((e) => !refusedIds.has(e.identifier)).length;
      progress.counts.updated += d.update.filter((e) => !refusedIds.has(e.identifier)).length;
      progress.counts.unchanged += d.unchanged;
    }
    progress.counts.failed += refused.length;
    failures.push(...refused.map((f) => ({ blueprint: writes.find((e) => e.identifier === f.identifier)?.blueprint ?? '?', ...f })));
    if (!listing.complete) {
      log('listing cut short by the deadline: no delete pass; the source continues on the next invocation', { source, listed: listing.entities.length });
      break;
    }
    // Dependents first: Port refuses to delete an entity others still relate to.
    for (const d of [...diffs].reverse()) if (d.delete.length > 0) progress.counts.deleted += await deps.port.remove(d.blueprint, d.delete, deps.deadline);
    log('source resynced', { source, ...Object.fromEntries(diffs.map((d) => [d.blueprint, { create: d.create.length, update: d.update.length, unchanged: d.unchanged, delete: d.delete.length }])) });
    progress.pending.shift();
    await deps.state.save({ progress: { ...progress, elapsedMs: progress.elapsedMs + (now() - started) }, ...(saved.last ? { last: saved.last } : {}) });
  }

  const durationMs = progress.elapsedMs + (now() - started);
  const complete = progress.pending.length === 0;
  if (complete) {
    const last: ResyncSummary = { runId: progress.runId, startedAt: progress.startedAt, finishedAt: new Date(now()).toISOString(), durationMs, invocations: progress.invocations, sources: [...deps.sources], ...progress.counts };
    await deps.state.save({ last });
  } else {
    await deps.state.save({ progress: { ...progress, elapsedMs: durationMs }, ...(saved.last ? { last: saved.last } : {}) });
  }
  return { runId: progress.runId, complete, pending: [...progress.pending], durationMs, failures, ...progress.counts };
}
