import { leaseFree } from './rules';
import type { Lease, LedgerEntry, RetryItem, SyncStateStore } from './store';

/** The sync state in memory: unit tests and the operator command's tests. Same rules as DynamoDB. */
export class MemoryState implements SyncStateStore {
  lease: Lease | undefined;
  readonly ledger = new Map<string, { entry: LedgerEntry; expiresAt?: number }>();
  readonly retry = new Map<string, RetryItem>();
  /** Set to make every request fail, as an unreachable or throttled table would. */
  failWith: Error | undefined;
  /** Every write, in order ("lease", "ledger", "retry"), for "wrote nothing but the lease" checks. */
  readonly writes: string[] = [];
  private requests = 0;

  get requestCount(): number {
    return this.requests;
  }

  private touch(write?: string): void {
    this.requests++;
    if (this.failWith) throw this.failWith;
    if (write) this.writes.push(write);
  }

  async ready(): Promise<void> {
    this.touch();
  }
  async acquireLease(lease: Lease, nowMs: number): Promise<boolean> {
    this.touch();
    if (!leaseFree(this.lease, lease.owner, nowMs)) return false;
    this.writes.push('lease');
    this.lease = { ...lease };
    return true;
  }
  async renewLease(lease: Lease): Promise<boolean> {
    this.touch();
    if (this.lease?.owner !== lease.owner) return false;
    this.writes.push('lease');
    this.lease = { ...lease };
    return true;
  }
  async releaseLease(owner: string): Promise<void> {
    this.touch();
    if (this.lease?.owner === owner) {
      this.writes.push('lease');
      this.lease = undefined;
    }
  }
  async readLease(): Promise<Lease | undefined> {
    this.touch();
    return this.lease && { ...this.lease };
  }
  async readLedger(haloIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    this.touch();
    const out = new Map<string, LedgerEntry>();
    for (const id of haloIds) {
      const e = this.ledger.get(id);
      if (e) out.set(id, { ...e.entry });
    }
    return out;
  }
  async writeLedger(entries: ReadonlyArray<{ entry: LedgerEntry; expiresAt?: number }>): Promise<void> {
    if (entries.length === 0) return;
    this.touch('ledger');
    for (const e of entries) this.ledger.set(e.entry.haloId, { entry: { ...e.entry }, expiresAt: e.expiresAt });
  }
  async deleteLedger(haloIds: readonly string[]): Promise<void> {
    if (haloIds.length === 0) return;
    this.touch('ledger');
    for (const id of haloIds) this.ledger.delete(id);
  }
  async retrySet(): Promise<RetryItem[]> {
    this.touch();
    return [...this.retry.values()].map((i) => ({ ...i }));
  }
  async putRetry(items: readonly RetryItem[]): Promise<void> {
    if (items.length === 0) return;
    this.touch('retry');
    for (const i of items) this.retry.set(i.haloId, { ...i });
  }
  async deleteRetry(haloIds: readonly string[]): Promise<void> {
    if (haloIds.length === 0) return;
    this.touch('retry');
    for (const id of haloIds) this.retry.delete(id);
  }
}
