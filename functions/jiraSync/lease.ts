import { AppError, reasonOf } from '../../shared/errors';
import type { Log } from './context';
import { renewEveryMs } from './state/rules';
import type { SyncStateStore } from './state/store';

/** The run lost its lease (another run took it after a missed renewal): it must stop at once. */
class LeaseLostError extends AppError {}

export const LEASE_HELD = 'another run holds the lease';

const CONFIRM_AFTER_MS = 200;

/**
 * The run lease: taken with a conditional write, renewed on a timer while the run lives, released
 * at the end. A crashed run's lease expires by itself within `leaseSeconds`.
 */
export class RunLease {
  private timer: NodeJS.Timeout | undefined;
  private expiresAt = 0;
  private renewal: Promise<void> | undefined;
  private released = false;

  constructor(
    private readonly state: SyncStateStore,
    private readonly owner: string,
    private readonly leaseSeconds: number,
    private readonly now: () => number,
    private readonly log: Log,
  ) {}

  async acquire(): Promise<boolean> {
    const at = this.now();
    this.expiresAt = at + this.leaseSeconds * 1000;
    if (!(await this.state.acquireLease({ owner: this.owner, expiresAt: this.expiresAt }, at))) return false;
    // Confirmed by a strongly consistent read after a moment: a store whose conditional write is
    // not atomic under concurrent callers (moto_server, behind the tests and the sandbox) could
    // otherwise let two runs that started together both believe they won. One read per run.
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_AFTER_MS));
    return (await this.state.readLease())?.owner === this.owner;
  }

  /** Starts renewing; `onLost` is called once if the lease can no longer be held. */
  keep(onLost: (err: Error) => void): void {
    this.timer = setInterval(() => {
      if (this.renewal) return;
      const expiresAt = this.now() + this.leaseSeconds * 1000;
      this.renewal = this.state
        .renewLease({ owner: this.owner, expiresAt })
        .then((ours) => {
          if (ours) this.expiresAt = expiresAt;
          else this.lost(onLost, new LeaseLostError('the run lease was taken by another run; stopping', { owner: this.owner }));
        })
        .catch((err: unknown) => {
          // One failed renewal is survivable; running on without a valid lease is not.
          this.log.warn('run lease renewal failed', { reason: reasonOf(err) });
          if (this.now() >= this.expiresAt - renewEveryMs(this.leaseSeconds)) this.lost(onLost, new LeaseLostError(`the run lease could not be renewed: ${reasonOf(err)}`, { owner: this.owner }));
        })
        .finally(() => {
          this.renewal = undefined;
        });
    }, renewEveryMs(this.leaseSeconds));
    this.timer.unref();
  }

  private lost(onLost: (err: Error) => void, err: Error): void {
    this.stopRenewing();
    if (!this.released) onLost(err);
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing and frees the lease for the next run (best effort: it expires anyway). */
  async release(): Promise<void> {
    this.released = true;
    this.stopRenewing();
    await this.renewal; // no request of this run outlives it
    await this.state.releaseLease(this.owner).catch((err: unknown) => this.log.warn('run lease release failed; it expires by itself', { reason: reasonOf(err) }));
  }
}
