/**
 * The durable sync state, as the core needs it: a create ledger, a retry set and a run lease.
 * The core owns this interface and the rules (state/rules.ts); an adapter (state/dynamodb.ts,
 * state/memory.ts) only does the I/O. Every read is strongly consistent; the lease is a
 * conditional write.
 */

/** Before a bulk create: `intent`. After Jira answered: `created` with the ticket. */
export type LedgerEntry =
  | { haloId: string; state: 'intent'; runId: string; at: number }
  | { haloId: string; state: 'created'; runId: string; at: number; ticketId: string; ticketKey: string };

/** An item Jira refused (or a create waiting for search to catch up), tried again by later runs. */
export interface RetryItem {
  haloId: string;
  /** What was refused: create, close, reopen, comment, describe. */
  action: string;
  reason: string;
  /** Failed attempts so far (≥ 1). */
  attempts: number;
  /** Epoch ms from which a run retries it. */
  nextTryAt: number;
  /** Hash of the sync settings when it failed: a change makes the item due at once. */
  settingsHash: string;
  firstFailedAt: number;
  lastFailedAt: number;
}

export interface Lease {
  owner: string;
  /** Epoch ms after which any run may take the lease. */
  expiresAt: number;
}

export interface SyncStateStore {
  /** Makes sure the table is there (creating it only where allowed); throws naming the table otherwise. */
  ready(): Promise<void>;
  /** Takes the lease when it is free, expired or already ours; false when another run holds it. */
  acquireLease(lease: Lease, nowMs: number): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours. */
  renewLease(lease: Lease): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  readLease(): Promise<Lease | undefined>;
  /** Ledger entries of these Halo ids (strongly consistent). */
  readLedger(haloIds: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** `expiresAt`: epoch ms after which the table may drop the entry (TTL). */
  writeLedger(entries: ReadonlyArray<{ entry: LedgerEntry; expiresAt?: number }>): Promise<void>;
  deleteLedger(haloIds: readonly string[]): Promise<void>;
  /** The whole retry set (strongly consistent). */
  retrySet(): Promise<RetryItem[]>;
  putRetry(items: readonly RetryItem[]): Promise<void>;
  deleteRetry(haloIds: readonly string[]): Promise<void>;
  /** Requests sent to the store so far (for the summary and the bench). */
  readonly requestCount: number;
}
