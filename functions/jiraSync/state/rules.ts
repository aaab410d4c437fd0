import { createHash } from 'node:crypto';
import type { SyncConfig } from '../config';
import type { Lease, LedgerEntry, RetryItem } from './store';

/**
 * The rules of the sync state, pure (no I/O, no clock): when a create may be sent, when a refused
 * item is tried again, who holds the run lease. Adapters only store what these decide.
 */

const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** Second failure waits this long; each further one doubles it, up to a day. */
const RETRY_BASE_MS = 15 * MINUTE;
/** How long a resolved ledger entry is kept after search is trusted to show its ticket. */
const LEDGER_KEEP_MS = DAY;

export type CreateGate =
  /** No unresolved create: create if the plan says so. */
  | { kind: 'free' }
  /** A create was sent without a recorded answer and search cannot be trusted yet: wait until `untilMs`. */
  | { kind: 'wait'; untilMs: number; reason: string };

/**
 * May a ticket be created for this Halo id now? Only when no create intent is unresolved: an
 * intent without a result is trusted to search only once it is older than the search lag bound
 * (no strongly consistent read can find a ticket whose key never reached us).
 */
export function createGate(entry: LedgerEntry | undefined, nowMs: number, searchLagBoundMs: number): CreateGate {
  if (entry?.state !== 'intent') return { kind: 'free' };
  const untilMs = entry.at + searchLagBoundMs;
  if (nowMs >= untilMs) return { kind: 'free' };
  return {
    kind: 'wait',
    untilMs,
    reason: `a create sent at ${new Date(entry.at).toISOString()} (run ${entry.runId}) got no answer; search is trusted for it from ${new Date(untilMs).toISOString()}`,
  };
}

/** When a resolved ledger entry may expire: once search alone is trusted to show the ticket, plus a margin. */
export function ledgerExpiry(entry: LedgerEntry, searchLagBoundMs: number): number {
  return entry.at + searchLagBoundMs + LEDGER_KEEP_MS;
}

/** Wait before the next attempt after `attempts` failures: the next run first, then 15 min doubling up to a day. */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 1) return 0;
  return Math.min(DAY, RETRY_BASE_MS * 2 ** (attempts - 2));
}

/** The retry-set entry after one more failure of `action` (a first failure when `previous` is undefined). */
export function recordRefusal(previous: RetryItem | undefined, failure: { haloId: string; action: string; reason: string }, nowMs: number, settingsHash: string): RetryItem {
  const attempts = (previous?.attempts ?? 0) + 1;
  return {
    haloId: failure.haloId,
    action: failure.action,
    reason: failure.reason,
    attempts,
    nextTryAt: nowMs + retryDelayMs(attempts),
    settingsHash,
    firstFailedAt: previous?.firstFailedAt ?? nowMs,
    lastFailedAt: nowMs,
  };
}

/**
 * The retry-set entry of an item that waits for a known moment rather than failing: a create
 * whose earlier answer was lost waits until search can be trusted for it (`untilMs`), a bulk
 * transition Jira had not reported waits for the next run. Due exactly then: a wait is not a
 * failed attempt, so it neither counts as one nor backs off (a create killed again and again
 * between Jira applying it and its answer must not wait 15 min, then hours, for search).
 */
export function recordWait(previous: RetryItem | undefined, wait: { haloId: string; action: string; reason: string; untilMs: number }, nowMs: number, settingsHash: string): RetryItem {
  return {
    haloId: wait.haloId,
    action: wait.action,
    reason: wait.reason,
    attempts: previous?.attempts ?? 1,
    nextTryAt: wait.untilMs,
    settingsHash,
    firstFailedAt: previous?.firstFailedAt ?? nowMs,
    lastFailedAt: nowMs,
  };
}

/** Due now: its time has come, or the sync settings changed since it failed. */
export function isDue(item: RetryItem, nowMs: number, settingsHash: string): boolean {
  return item.nextTryAt <= nowMs || item.settingsHash !== settingsHash;
}

/** A lease may be taken when there is none, it has expired, or it is already ours. */
export function leaseFree(current: Lease | undefined, owner: string, nowMs: number): boolean {
  return !current || current.expiresAt <= nowMs || current.owner === owner;
}

/** Renew a third of the way through, so two missed renewals still leave the lease ours. */
export const renewEveryMs = (leaseSeconds: number): number => Math.max(250, Math.floor((leaseSeconds * 1000) / 3));

/** Hash of the settings that decide what the sync writes: a change makes every retry item due. */
export function settingsHash(config: SyncConfig): string {
  const relevant = {
    jiraBaseUrl: config.jiraBaseUrl,
    jiraProjectKey: config.jiraProjectKey,
    jiraIssueType: config.jiraIssueType,
    jiraIssueIdField: config.jiraIssueIdField,
    closeTransition: config.closeTransition,
    reopenTransition: config.reopenTransition,
    statusClosed: config.statusClosed,
    statusHardClosed: [...config.statusHardClosed],
    noComment: config.noComment,
    noSva: config.noSva,
    excludedSources: [...config.excludedSources].sort(),
    fieldMapping: config.fieldMapping,
    fieldStatic: config.fieldStatic,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}
