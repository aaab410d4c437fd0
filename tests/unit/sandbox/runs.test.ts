import { RunLog, syncSummaryText } from '../../../sandbox/runs';
import { ratePeriodMs, SyncGate } from '../../../sandbox/sync-gate';

describe('RunLog', () => {
  it('records forwarded batches from offline log lines and ignores other lines', () => {
    const runs = new RunLog();
    runs.observe(`{"level":"INFO","message":"batch forwarded","service":"portForwarder","records":5,"delivered":4,"deadLettered":1,"failed":0}`);
    runs.observe(`{"level":"INFO","message":"batch forwarded","service":"portForwarder","records":2,"delivered":0,"deadLettered":0,"failed":2}`);
    runs.observe('{"level":"INFO","message":"jiraSync run finished","service":"jiraSync","actions":{"create":1}}');
    runs.observe('(λ: jiraSync) RequestId: abc  Duration: 1 ms');
    runs.observe('not json {');
    expect(runs.list().map((r) => [r.fn, r.trigger, r.ok, r.summary])).toEqual([
      ['portForwarder', 'queue', false, '2 records, 0 delivered, 2 to retry'],
      ['portForwarder', 'queue', true, '5 records, 4 delivered, 1 dead-lettered'],
    ]);
  });

  it('keeps the newest rows only', () => {
    const runs = new RunLog(2);
    for (const at of ['1', '2', '3']) runs.add({ at, fn: 'jiraSync', trigger: 'manual', ok: true, summary: at });
    expect(runs.list().map((r) => r.at)).toEqual(['3', '2']);
    expect(runs.count('jiraSync', 'schedule')).toBe(0);
  });

  it('summarises a sync run', () => {
    expect(syncSummaryText({ listed: 3, actions: { create: 2, close: 1, reopen: 0 }, failures: [] })).toBe('listed 3 · create 2, close 1 · 0 failures');
    expect(syncSummaryText({ listed: 0, actions: { create: 0 }, failures: [{}], deferred: 4 })).toBe('listed 0 · no changes · 1 failures · 4 deferred');
  });
});

describe('SyncGate', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('runs one jiraSync at a time, in call order', async () => {
    const gate = new SyncGate();
    const order: string[] = [];
    const first = deferred();
    const a = gate.run(async () => {
      order.push('a:start');
      await first.promise;
      order.push('a:end');
    });
    const b = gate.run(async () => void order.push('b'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a:start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a:start', 'a:end', 'b']);
  });

  it('drops a scheduled tick while another scheduled run is still waiting', async () => {
    const gate = new SyncGate();
    const blocker = deferred();
    const running = gate.run(() => blocker.promise);
    let scheduled = 0;
    const t1 = gate.tick(async () => ++scheduled);
    const t2 = gate.tick(async () => ++scheduled);
    blocker.resolve();
    await running;
    expect([await t1, await t2, scheduled]).toEqual([1, undefined, 1]);
    expect(await gate.tick(async () => ++scheduled)).toBe(2);
  });

  it('a failed run does not block the next one', async () => {
    const gate = new SyncGate();
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('reads rate expressions', () => {
    expect([ratePeriodMs('rate(1 minute)'), ratePeriodMs('rate(15 minutes)'), ratePeriodMs('rate(2 hours)'), ratePeriodMs('cron(0 * * * ? *)')]).toEqual([
      60_000, 900_000, 7_200_000, 0,
    ]);
  });
});
