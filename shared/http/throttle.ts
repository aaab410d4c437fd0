import { RetryableError } from '../errors';
import { header, serverRetryAfterMs } from './retry';

/**
 * One back-off for every request of a run (issue 11): when any response is a 429 or says
 * `X-RateLimit-Remaining: 0`, no request starts until the reset the server named
 * (Retry-After / X-RateLimit-Reset); then concurrency starts again at 1 and grows by one per
 * successful response (so it doubles per round of requests) up to `maxConcurrency`.
 * Requests already on the wire finish; their answers may extend the pause.
 */
export interface GateClock {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

const realClock: GateClock = {
  now: Date.now,
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface ThrottleGateOptions {
  maxConcurrency: number;
  /** Pause when a 429 names no reset time. */
  defaultPauseMs?: number;
  /** Upper bound of one pause, whatever the server says (a bad header must not stall a run forever). */
  maxPauseMs?: number;
  clock?: GateClock;
}

export interface ThrottleStats {
  /** Wall time during which no request could start, the pause under way included. */
  throttledMs: number;
  /** How many times the gate closed. */
  pauses: number;
}

/** What a finished request tells the gate: its response, or nothing (network failure). */
export type Answer = { status: number; headers: Record<string, unknown> } | undefined;

export interface Permit {
  release(answer: Answer): void;
}

interface Waiter {
  grant: (permit: Permit) => void;
  cancel?: () => void;
}

export class ThrottleGate {
  private readonly max: number;
  private readonly defaultPauseMs: number;
  private readonly maxPauseMs: number;
  private readonly clock: GateClock;
  private limit: number;
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];
  private pause?: { until: number; startedAt: number; cancel: () => void };
  private pastThrottledMs = 0;
  private pauses = 0;

  constructor(opts: ThrottleGateOptions) {
    if (!(opts.maxConcurrency >= 1)) throw new RangeError(`maxConcurrency must be ≥ 1, got ${opts.maxConcurrency}`);
    this.max = Math.floor(opts.maxConcurrency);
    this.limit = this.max;
    this.defaultPauseMs = opts.defaultPauseMs ?? 1000;
    this.maxPauseMs = opts.maxPauseMs ?? 15 * 60_000;
    this.clock = opts.clock ?? realClock;
  }

  /**
   * Waits for a turn. Rejects with a RetryableError, without waiting, when the gate stays closed
   * longer than `maxWaitMs`, or once `maxWaitMs` has passed in the queue.
   */
  acquire(maxWaitMs = Number.POSITIVE_INFINITY): Promise<Permit> {
    if (this.pause && this.pause.until - this.clock.now() > maxWaitMs) return Promise.reject(this.timeout());
    if (!this.pause && this.inFlight < this.limit && this.waiting.length === 0) return Promise.resolve(this.permit());
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve };
      if (Number.isFinite(maxWaitMs)) {
        waiter.cancel = this.clock.setTimer(Math.max(0, maxWaitMs), () => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(this.timeout());
        });
      }
      this.waiting.push(waiter);
    });
  }

  stats(): ThrottleStats {
    const ongoing = this.pause ? this.clock.now() - this.pause.startedAt : 0;
    return { throttledMs: this.pastThrottledMs + ongoing, pauses: this.pauses };
  }

  private permit(): Permit {
    this.inFlight++;
    let released = false;
    return {
      release: (answer) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.learn(answer);
        this.pump();
      },
    };
  }

  private learn(answer: Answer): void {
    if (!answer) return;
    const now = this.clock.now();
    const remaining = header(answer.headers, 'x-ratelimit-remaining');
    if (answer.status === 429 || (remaining !== undefined && /^\s*0+\s*$/.test(remaining))) {
      const waitMs = serverRetryAfterMs(answer.headers, now) ?? this.defaultPauseMs;
      this.closeUntil(now + Math.min(Math.max(waitMs, 0), this.maxPauseMs));
    } else if (answer.status < 400 && !this.pause && this.limit < this.max) {
      this.limit++;
    }
  }

  private closeUntil(until: number): void {
    if (this.pause && until <= this.pause.until) return;
    if (this.pause) this.pause.cancel();
    else this.pauses++;
    const startedAt = this.pause?.startedAt ?? this.clock.now();
    this.limit = 1;
    this.pause = { until, startedAt, cancel: this.clock.setTimer(until - this.clock.now(), () => this.reopen()) };
  }

  private reopen(): void {
    if (!this.pause) return;
    this.pastThrottledMs += this.clock.now() - this.pause.startedAt;
    this.pause = undefined;
    this.pump();
  }

  private pump(): void {
    while (!this.pause && this.inFlight < this.limit) {
      const next = this.waiting.shift();
      if (!next) break;
      next.cancel?.();
      next.grant(this.permit());
    }
  }

  private timeout(): RetryableError {
    const pausedForMs = this.pause ? Math.max(0, this.pause.until - this.clock.now()) : 0;
    return new RetryableError('rate limited: no turn before the deadline', { throttled: true, pausedForMs }, { retryAfterMs: pausedForMs });
  }
}
