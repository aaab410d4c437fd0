import type { InventoryCounts } from '../local/aws/inventory';
import type { InvokeResult } from './offline';
import type { ResyncRow } from './snapshot';

/**
 * portResync in the sandbox: the AWS resources seeded into moto before start-up (what the first
 * resync fills Port with), and the last resync as the dashboard shows it.
 */
export const SANDBOX_INVENTORY: Readonly<InventoryCounts> = { ec2: 2, s3: 2, rds: 1, sqs: 2, ecs: 1, eks: 1, lambda: 2 };
/** The second simulated account's resources (the hub resyncs it through the spoke role). */
export const MEMBER_INVENTORY: Readonly<InventoryCounts> = { ec2: 1, s3: 1, sqs: 1, lambda: 1 };

/** What portResync returns (functions/portResync/resync.ts ResyncResult), as far as the dashboard reads it. */
interface ResyncResultLike {
  complete: boolean;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  durationMs: number;
}

export function isResyncResult(value: unknown): value is ResyncResultLike {
  const v = value as Partial<Record<keyof ResyncResultLike, unknown>> | undefined;
  return !!v && typeof v === 'object' && typeof v.complete === 'boolean' && ['created', 'updated', 'deleted', 'unchanged', 'failed', 'durationMs'].every((k) => typeof v[k as keyof ResyncResultLike] === 'number');
}

/** One invocation's answer → the dashboard's "last resync" (counts, or the error). */
export function resyncRowOf(out: InvokeResult, trigger: ResyncRow['trigger'], at: Date): ResyncRow {
  if (!out.ok || !isResyncResult(out.result)) {
    return { at: at.toISOString(), trigger, ok: false, error: out.error ?? `unexpected answer: ${JSON.stringify(out.result).slice(0, 200)}` };
  }
  const r = out.result;
  return {
    at: at.toISOString(),
    trigger,
    ok: r.failed === 0,
    complete: r.complete,
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    unchanged: r.unchanged,
    failed: r.failed,
    durationMs: r.durationMs,
  };
}

/** `created 12 · updated 0 · deleted 0 · unchanged 0 · 2.3 s` (+ failures, + "continues"). */
export function resyncSummaryText(row: ResyncRow): string {
  if (row.error !== undefined) return row.error;
  const parts = [`created ${row.created}`, `updated ${row.updated}`, `deleted ${row.deleted}`, `unchanged ${row.unchanged}`];
  if (row.failed) parts.push(`${row.failed} refused`);
  parts.push(`${((row.durationMs ?? 0) / 1000).toFixed(1)} s`);
  if (row.complete === false) parts.push('continues on the next run');
  return parts.join(' · ');
}
