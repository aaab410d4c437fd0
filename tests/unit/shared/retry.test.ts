import { RetryableError, PermanentError } from '../../../shared/errors';
import { backoffDelay, deadlineIn, serverRetryAfterMs, withRetry, type RetryPolicy } from '../../../shared/http/retry';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay (full jitter)', () => {
  it('stays below min(cap, base·2^n) and scales with the random draw', () => {
    expect(backoffDelay(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(2, policy, () => 0)).toBe(0);
  });
});

describe('serverRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads Retry-After seconds and HTTP dates', () => {
    expect(serverRetryAfterMs({ 'Retry-After': '2' }, now)).toBe(2000);
    expect(serverRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
  });
  it('reads x-ratelimit-reset as epoch seconds (> 1e9) or seconds-until-reset', () => {
    expect(serverRetryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 3) }, now)).toBe(3000);
    expect(serverRetryAfterMs({ 'x-ratelimit-reset': '4' }, now)).toBe(4000);
  });
  it("reads Jira's ISO X-RateLimit-Reset", () => {
    expect(serverRetryAfterMs({ 'X-RateLimit-Reset': '2026-01-01T00:00:01Z' }, now)).toBe(1000);
  });
  it('is undefined without hints', () => {
    expect(serverRetryAfterMs({}, now)).toBeUndefined();
  });
});

describe('withRetry', () => {
  const noSleep = jest.fn(async () => undefined);
  beforeEach(() => noSleep.mockClear());

  it('retries retryable failures until success', async () => {
    let calls = 0;
    const out = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new RetryableError('flaky');
      return 'ok';
    }, { policy, sleep: noSleep, random: () => 0.5 });
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(noSleep).toHaveBeenCalledTimes(2);
  });

  it('never retries a permanent error', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new PermanentError('bad request');
    }, { policy, sleep: noSleep })).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last retryable error', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new RetryableError(`try ${calls}`);
    }, { policy, sleep: noSleep })).rejects.toThrow('try 4');
    expect(calls).toBe(4);
  });

  it('waits at least the server-requested time', async () => {
    let calls = 0;
    await withRetry(async () => {
      if (++calls === 1) throw new RetryableError('429', {}, { retryAfterMs: 1500 });
      return 1;
    }, { policy, sleep: noSleep, random: () => 0.1 });
    expect(noSleep).toHaveBeenCalledWith(1500);
  });

  it('does not sleep past the deadline: rethrows instead', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new RetryableError('429', {}, { retryAfterMs: 5000 });
    }, { policy, sleep: noSleep, deadline: deadlineIn(1000) })).rejects.toBeInstanceOf(RetryableError);
    expect(calls).toBe(1);
    expect(noSleep).not.toHaveBeenCalled();
  });
});
