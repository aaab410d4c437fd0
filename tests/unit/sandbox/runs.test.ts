import { RunLog, syncSummaryText } from '../../../sandbox/runs';
import { ratePeriodMs, SyncGate } from '../../../sandbox/sync-gate';

const summaryLine = (actions: Record<string, number>, failures: unknown[] = []) =>
  JSON.stringify({ level: 'INFO', message: 'jiraSync run finished', service: 'jiraSync', listed: 3, actions, failures });

describe('RunLog', () => {
  it('records scheduled jiraSync runs and forwarded batches from offline log lines', () => {
    const runs = new RunLog();
    runs.observe(summaryLine({ create: 2, close: 1, reopen: 0 }));
    runs.observe(`{"level":"INFO","message":"batch forwarded","service":"portForwarder","records":5,"delivered":4,"deadLettered":1,"failed":0}`);
    runs.observe('(λ: jiraSync) RequestId: abc  Duration: 1 ms');
    expect(runs.list().map((r) => [r.fn, r.trigger, r.ok, r.summary])).toEqual([
      ['portForwarder', 'queue', true, '5 records, 4 delivered, 1 dead-lettered'],
      ['jiraSync', 'schedule', true, 'listed 3 · create 2, close 1 · 0 failures'],
    ]);
  });

  it('does not count a manual run twice, whether its log line comes before or after the result', async () => {
    const runs = new RunLog();
    await runs.manual(async () => runs.observe(summaryLine({ create: 1 })), () => true);
    await runs.manual(async () => true, () => true);
    runs.observe(summaryLine({ create: 0 }));
    expect(runs.count('jiraSync', 'schedule')).toBe(0);
    runs.observe(summaryLine({ close: 1 }));
    expect(runs.count('jiraSync', 'schedule')).toBe(1);
  });

  it('a manual run that failed expects no log line', async () => {
    const runs = new RunLog();
    await runs.manual(async () => false, (ok) => ok);
    runs.observe(summaryLine({ create: 1 }));
    expect(runs.count('jiraSync', 'schedule')).toBe(1);
  });

  it('records a scheduled run serverless-offline reports as failed', () => {
    const runs = new RunLog();
    runs.observe('✖ Failed to execute scheduled function: [jiraSync] Error: boom');
    expect(runs.list()[0]).toMatchObject({ fn: 'jiraSync', trigger: 'schedule', ok: false, summary: 'Error: boom' });
  });

  it('summarises a sync run', () => {
    expect(syncSummaryText({ listed: 0, actions: { create: 0 }, failures: [{}], deferred: 4 })).toBe('listed 0 · no changes · 1 failures · 4 deferred');
  });
});

describe('SyncGate', () => {
  it('holds a manual run near the next scheduled boundary and while the scheduled run is unreported', () => {
    let now = 10 * 60_000; // on a boundary
    const gate = new SyncGate(60_000, 10_000, () => now);
    gate.arm();
    now += 55_000;
    expect(gate.waitMs()).toBe(5_250); // 5 s before the next boundary
    now += 6_000; // 1 s after it: the scheduled run has not reported yet
    expect(gate.waitMs()).toBe(250);
    gate.observe('Successfully invoked scheduled function: [jiraSync]');
    expect(gate.waitMs()).toBe(0);
  });

  it('ignores boundaries from before the scheduler started', () => {
    let now = 10 * 60_000 + 1_000;
    const gate = new SyncGate(60_000, 10_000, () => now);
    gate.arm();
    now += 1_000;
    expect(gate.waitMs()).toBe(0);
  });

  it('runs manual runs one at a time', async () => {
    const gate = new SyncGate(0);
    const order: string[] = [];
    const slow = gate.run(async () => {
      order.push('a:start');
      await new Promise((r) => setImmediate(r));
      order.push('a:end');
    });
    const fast = gate.run(async () => void order.push('b'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a:start', 'a:end', 'b']);
  });

  it('reads rate(N minutes)', () => {
    expect([ratePeriodMs('rate(1 minute)'), ratePeriodMs('rate(15 minutes)'), ratePeriodMs('cron(0 * * * ? *)')]).toEqual([60_000, 900_000, 0]);
  });
});
