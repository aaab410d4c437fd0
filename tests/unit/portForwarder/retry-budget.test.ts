import { DEFAULT_RETRY_SCHEDULE, MAX_VISIBILITY_SECONDS, planRedelivery, receiveOf, type FailedReceive } from '../../../functions/portForwarder/retry-budget';
import { sqsRecord } from './factories';

const NOW = 1_795_428_000_000;
const S = DEFAULT_RETRY_SCHEDULE;
const failure = (over: Partial<FailedReceive>): FailedReceive => ({ receiveCount: 1, firstReceivedAtMs: NOW, nowMs: NOW, maxReceiveCount: 30, cause: 'transient', reason: 'HttpError: port-ingest answered 503', ...over });

describe('planRedelivery: retry with a delay, or dead-letter now', () => {
  it('doubles the delay from the first one per receive, up to the cap', () => {
    const delays = Array.from({ length: 10 }, (_, i) => planRedelivery(failure({ receiveCount: i + 1 })));
    expect(delays.map((d) => (d.kind === 'retry' ? d.delaySeconds : d.kind))).toEqual([30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800]);
  });

  it('never plans a delay past the end of the budget, so the next receive lands on it', () => {
    const d = planRedelivery(failure({ receiveCount: 9, firstReceivedAtMs: NOW - (S.budgetSeconds - 100) * 1000 }));
    expect(d).toEqual({ kind: 'retry', delaySeconds: 100 });
  });

  // Every combination of cause × position in the budget × position against the redrive backstop.
  const causes = ['transient', 'credentials'] as const;
  const ages = [['fresh', 0], ['mid-budget', S.budgetSeconds / 2], ['just before the end', S.budgetSeconds - 1], ['at the end', S.budgetSeconds], ['long past', 10 * S.budgetSeconds]] as const;
  const receives = [['first receive', 1, 30], ['middle receive', 10, 30], ['receive before the last', 29, 30], ['last receive', 30, 30], ['beyond the last', 31, 30], ['redrive unknown', 29, undefined]] as const;
  const cases = causes.flatMap((cause) => ages.flatMap(([age, ageS]) => receives.map(([pos, n, max]) => [cause, age, ageS, pos, n, max] as const)));

  it.each(cases)('%s failure, %s (age %ss), %s (%s of %s)', (cause, _age, ageS, _pos, receiveCount, maxReceiveCount) => {
    const plan = planRedelivery(failure({ cause, receiveCount, maxReceiveCount, firstReceivedAtMs: NOW - ageS * 1000 }));
    const lastReceive = maxReceiveCount !== undefined && receiveCount >= maxReceiveCount;
    const outOfBudget = cause === 'transient' && ageS >= S.budgetSeconds;
    if (lastReceive) {
      expect(plan).toMatchObject({ kind: 'dead-letter', errorClass: 'LastReceive' });
    } else if (outOfBudget) {
      expect(plan).toMatchObject({ kind: 'dead-letter', errorClass: 'RetryBudgetExhausted' });
    } else {
      expect(plan.kind).toBe('retry');
      const delay = (plan as { delaySeconds: number }).delaySeconds;
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(S.maxDelaySeconds);
      if (cause === 'transient') expect(ageS + delay).toBeLessThanOrEqual(S.budgetSeconds);
    }
    // A dead letter always carries the last reason.
    if (plan.kind === 'dead-letter') expect(plan.reason).toContain('answered 503');
  });

  it('a persistent 503 ends in the DLQ within budget + one delay, well before the backstop', () => {
    let at = 0;
    let plan = planRedelivery(failure({ receiveCount: 1 }));
    let receive = 1;
    while (plan.kind === 'retry') {
      at += plan.delaySeconds;
      receive++;
      plan = planRedelivery(failure({ receiveCount: receive, nowMs: NOW + at * 1000 }));
    }
    expect(plan).toMatchObject({ kind: 'dead-letter', errorClass: 'RetryBudgetExhausted' });
    expect(at).toBe(S.budgetSeconds);
    // The documented redrive math (docs/portForwarder.md): 18 receives cover 6 h, maxReceiveCount 30 is the backstop.
    expect(receive).toBe(18);
  });

  it('keeps every delay under the SQS visibility maximum, whatever the schedule says', () => {
    const plan = planRedelivery(failure({ cause: 'credentials', receiveCount: 40, maxReceiveCount: undefined }), { budgetSeconds: 1, firstDelaySeconds: 3600, maxDelaySeconds: 10 ** 9 });
    expect(plan).toEqual({ kind: 'retry', delaySeconds: MAX_VISIBILITY_SECONDS });
  });

  it('zero first delay makes records visible at once (local tests)', () => {
    expect(planRedelivery(failure({ receiveCount: 4 }), { budgetSeconds: 60, firstDelaySeconds: 0, maxDelaySeconds: 0 })).toEqual({ kind: 'retry', delaySeconds: 0 });
  });
});

describe('receiveOf', () => {
  it('reads the count and first-receive time SQS put on the record', () => {
    const r = sqsRecord('{}', { attributes: { ApproximateReceiveCount: '4', ApproximateFirstReceiveTimestamp: '1795428000001', SentTimestamp: '1', SenderId: 'x' } });
    expect(receiveOf(r)).toEqual({ receiveCount: 4, firstReceivedAtMs: 1_795_428_000_001 });
  });

  it('falls back to a first receive "now" when SQS gave nothing usable', () => {
    expect(receiveOf({ messageId: 'm', body: '' })).toEqual({ receiveCount: 1 });
    expect(receiveOf({ messageId: 'm', body: '', attributes: { ApproximateReceiveCount: 'x', ApproximateFirstReceiveTimestamp: '0' } })).toEqual({ receiveCount: 1 });
  });
});
