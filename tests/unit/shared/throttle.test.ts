import { RetryableError } from '../../../shared/errors';
import { ThrottleGate, type GateClock, type Permit } from '../../../shared/http/throttle';

/** A clock whose time moves only when the test says so; timers fire in time order. */
class FakeClock implements GateClock {
  private t = Date.parse('2026-01-01T00:00:00Z');
  private timers: Array<{ at: number; fn: () => void }> = [];
  now = (): number => this.t;
  setTimer = (ms: number, fn: () => void): (() => void) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const ok = { status: 200, headers: {} };
const tooMany = (retryAfterS: number) => ({ status: 429, headers: { 'Retry-After': String(retryAfterS) } });

/** Starts `n` acquisitions and records which have been granted. */
function contenders(gate: ThrottleGate, n: number): { granted: Permit[]; rejected: unknown[] } {
  const out = { granted: [] as Permit[], rejected: [] as unknown[] };
  for (let i = 0; i < n; i++) gate.acquire().then((p) => out.granted.push(p), (e: unknown) => out.rejected.push(e));
  return out;
}

describe('ThrottleGate', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  it('lets up to maxConcurrency requests through and queues the rest', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 3, clock });
    const c = contenders(gate, 5);
    await settle();
    expect(c.granted).toHaveLength(3);
    c.granted[0]!.release(ok);
    await settle();
    expect(c.granted).toHaveLength(4);
    expect(gate.stats()).toEqual({ throttledMs: 0, pauses: 0 });
  });

  it('a 429 pauses every request waiting to start until Retry-After, then ramps up from 1', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 4, clock });
    const first = await gate.acquire();
    first.release(tooMany(2));
    const c = contenders(gate, 6);
    await clock.advance(1999);
    expect(c.granted).toHaveLength(0);
    await clock.advance(1);
    expect(c.granted).toHaveLength(1); // ramp starts at one request
    c.granted[0]!.release(ok);
    await settle();
    expect(c.granted).toHaveLength(3); // one success → two at a time
    c.granted[1]!.release(ok);
    c.granted[2]!.release(ok);
    await settle();
    expect(c.granted).toHaveLength(6); // four at a time (the max): the three left all start
    expect(gate.stats()).toEqual({ throttledMs: 2000, pauses: 1 });
  });

  it('X-RateLimit-Remaining: 0 on a success pauses until X-RateLimit-Reset (Jira: ISO instant)', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 2, clock });
    const reset = new Date(clock.now() + 5000).toISOString();
    (await gate.acquire()).release({ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
    const c = contenders(gate, 1);
    await clock.advance(4999);
    expect(c.granted).toHaveLength(0);
    await clock.advance(1);
    expect(c.granted).toHaveLength(1);
    expect(gate.stats().throttledMs).toBe(5000);
  });

  it('a later, longer hint extends the pause under way without counting a second pause', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 2, clock });
    const [a, b] = [await gate.acquire(), await gate.acquire()];
    a.release(tooMany(1));
    await clock.advance(500);
    b.release(tooMany(3)); // answered while paused: now closed until t = 3500
    const c = contenders(gate, 1);
    await clock.advance(2999);
    expect(c.granted).toHaveLength(0);
    await clock.advance(1);
    expect(c.granted).toHaveLength(1);
    expect(gate.stats()).toEqual({ throttledMs: 3500, pauses: 1 });
  });

  it('reports the pause under way in throttledMs and counts each pause', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 1, clock });
    (await gate.acquire()).release(tooMany(1));
    await clock.advance(400);
    expect(gate.stats()).toEqual({ throttledMs: 400, pauses: 1 });
    await clock.advance(600);
    (await gate.acquire()).release({ status: 429, headers: {} }); // no hint: the default pause (1 s)
    await clock.advance(1000);
    expect(gate.stats()).toEqual({ throttledMs: 2000, pauses: 2 });
  });

  it('refuses at once a turn that the pause would push past the caller budget, and times out queued waits', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 1, clock });
    const holder = await gate.acquire();
    holder.release(tooMany(10));
    const refused = await gate.acquire(5000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryableError);
    expect((refused as RetryableError).retryAfterMs).toBe(10_000);

    await clock.advance(10_000);
    const busy = await gate.acquire();
    const queued = gate.acquire(300).catch((e: unknown) => e);
    await clock.advance(300);
    expect(await queued).toBeInstanceOf(RetryableError);
    busy.release(ok);
    // The timed-out waiter left the queue: the next caller gets the free turn.
    await expect(gate.acquire(0)).resolves.toBeDefined();
  });

  it('caps a pause whatever the server says, and ignores a second release of a permit', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 1, maxPauseMs: 60_000, clock });
    const p = await gate.acquire();
    p.release(tooMany(86_400));
    p.release(ok);
    const c = contenders(gate, 1);
    await clock.advance(60_000);
    expect(c.granted).toHaveLength(1);
  });

  it('network failures (no answer) neither pause nor ramp', async () => {
    const gate = new ThrottleGate({ maxConcurrency: 2, clock });
    (await gate.acquire()).release(tooMany(0));
    await clock.advance(0);
    (await gate.acquire()).release(undefined);
    const c = contenders(gate, 2);
    await settle();
    expect(c.granted).toHaveLength(1); // still one at a time after the pause
    expect(gate.stats().pauses).toBe(1);
  });
});
