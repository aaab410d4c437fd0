import type { RetryItem, SyncStateStore } from '../../functions/jiraSync/state/store';

/**
 * The core of `npm run jira:failures`: what is in jiraSync's retry set, put items up for the next
 * run, or drop them. Plain functions over the state store; the CLI entry only parses arguments.
 */
export interface FailureRow {
  haloId: string;
  action: string;
  attempts: number;
  /** ISO time of the next try; "next run" when already due. */
  nextTry: string;
  lastFailed: string;
  reason: string;
}

export async function listFailures(store: SyncStateStore, nowMs: number, filter: { action?: string } = {}): Promise<FailureRow[]> {
  const items = (await store.retrySet()).filter((i) => !filter.action || i.action === filter.action);
  return items
    .sort((a, b) => a.nextTryAt - b.nextTryAt || a.haloId.localeCompare(b.haloId))
    .map((i) => ({
      haloId: i.haloId,
      action: i.action,
      attempts: i.attempts,
      nextTry: i.nextTryAt <= nowMs ? 'next run' : new Date(i.nextTryAt).toISOString(),
      lastFailed: new Date(i.lastFailedAt).toISOString(),
      reason: i.reason,
    }));
}

/** Which items a retry/forget applies to: the given Halo ids (each must be in the set), or all. */
async function select(store: SyncStateStore, ids: readonly string[], all: boolean): Promise<{ chosen: RetryItem[]; missing: string[] }> {
  const items = await store.retrySet();
  if (all) return { chosen: items, missing: [] };
  const byId = new Map(items.map((i) => [i.haloId, i]));
  return { chosen: ids.flatMap((id) => byId.get(id) ?? []), missing: ids.filter((id) => !byId.has(id)) };
}

/** Makes items due at once: the next run tries them first (attempts are kept). */
export async function retryFailures(store: SyncStateStore, ids: readonly string[], opts: { all?: boolean } = {}): Promise<{ retried: string[]; missing: string[] }> {
  const { chosen, missing } = await select(store, ids, opts.all ?? false);
  await store.putRetry(chosen.map((i) => ({ ...i, nextTryAt: 0 })));
  return { retried: chosen.map((i) => i.haloId), missing };
}

/** Drops items: no run tries them again unless Halo changes them. */
export async function forgetFailures(store: SyncStateStore, ids: readonly string[], opts: { all?: boolean } = {}): Promise<{ forgotten: string[]; missing: string[] }> {
  const { chosen, missing } = await select(store, ids, opts.all ?? false);
  await store.deleteRetry(chosen.map((i) => i.haloId));
  return { forgotten: chosen.map((i) => i.haloId), missing };
}

export function failuresTable(rows: readonly FailureRow[]): string {
  if (rows.length === 0) return 'The retry set is empty: nothing Jira refused is waiting.';
  const head = ['HALO ID', 'ACTION', 'ATTEMPTS', 'NEXT TRY', 'LAST FAILED', 'REASON'];
  const cells = rows.map((r) => [r.haloId, r.action, String(r.attempts), r.nextTry, r.lastFailed, r.reason.length > 120 ? `${r.reason.slice(0, 117)}...` : r.reason]);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: string[]): string => row.map((v, c) => (c === row.length - 1 ? v : v.padEnd(widths[c]!))).join('  ');
  return [line(head), ...cells.map(line), `${rows.length} item(s) in the retry set.`].join('\n');
}
