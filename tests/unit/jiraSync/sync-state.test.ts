import { memoryCheckpoint } from '../../../functions/jiraSync/checkpoint';
import { loadConfig } from '../../../functions/jiraSync/config';
import { StateStoreError } from '../../../functions/jiraSync/state/dynamodb';
import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { runSync, type SyncDeps } from '../../../functions/jiraSync/sync';
import { HttpError, RetryableError } from '../../../shared/errors';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { haloIssue } from './factories';
import { FakeHalo, FakeJira } from './fakes';

/** The run with its durable state (memory adapter): retry set, lease, ledger, stop on failure, lost answers. */
const ENV = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't',
  JIRA_API_URL: 'https://example.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC',
  JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
  STATUS_HARD_CLOSED: "Won't Fix",
};
const START = Date.parse('2026-11-20T09:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const at = (minute: number): string => new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString();
const active = (minute: number) => haloIssue({ status: 'active', created_at: at(0), last_seen_at: at(minute) });
const resolved = (minute: number) => haloIssue({ status: 'resolved', created_at: at(0), last_seen_at: at(minute - 1), resolved_at: at(minute) });

function setup(extraDeps: Partial<SyncDeps> = {}) {
  const halo = new FakeHalo();
  const jira = new FakeJira();
  const state = new MemoryState();
  const clock = { now: Date.parse('2026-11-20T12:00:00Z') };
  const deps: SyncDeps = { halo, jira, checkpoint: memoryCheckpoint(START), state, deadline: NO_DEADLINE, now: () => clock.now, log: quiet, chunkSize: 2, ...extraDeps };
  const run = (env: Record<string, string> = {}) => runSync(loadConfig({ ...ENV, ...env }), deps);
  return { halo, jira, state, deps, clock, run };
}

describe('retry set', () => {
  it('a refused create is in the retry set before the checkpoint passes it; the next run retries it first and files it', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    s.halo.put(a, b);
    s.jira.failCreateFor.add(a.id);
    const r1 = await s.run();
    expect(r1.failures).toEqual([expect.objectContaining({ haloId: a.id, action: 'create', transient: false })]);
    expect(r1.retrySet).toMatchObject({ added: 1, size: 1 });
    expect(r1.checkpointAfter).toBe(at(2));
    expect(s.state.retry.get(a.id)).toMatchObject({ action: 'create', attempts: 1, reason: expect.stringContaining('option invalid') });
    // Jira accepts it again (field fixed): the next run retries first, though the checkpoint is past it.
    s.jira.failCreateFor.clear();
    const r2 = await s.run();
    expect(r2.retrySet).toMatchObject({ due: 1, resolved: 1, size: 0 });
    expect(s.jira.byHalo(a.id)).toHaveLength(1);
    expect(s.jira.byHalo(b.id)).toHaveLength(1);
  });

  it('backs off after the second failure; a change of the sync settings makes the item due at once', async () => {
    const s = setup();
    const a = active(1);
    s.halo.put(a, active(2));
    s.jira.failCreateFor.add(a.id);
    await s.run();
    await s.run(); // attempt 2: due at once (the next run first)
    expect(s.state.retry.get(a.id)!.attempts).toBe(2);
    const describes = s.halo.calls.filter((c) => c === `describe ${a.id}`).length;
    await s.run(); // not due: 15 minutes of backoff
    expect(s.halo.calls.filter((c) => c === `describe ${a.id}`).length).toBe(describes);
    s.jira.failCreateFor.clear();
    const r = await s.run({ JIRA_FIELD_STATIC: 'Labels:halo' });
    expect(r.retrySet).toMatchObject({ due: 1, resolved: 1 });
    expect(s.jira.byHalo(a.id)).toHaveLength(1);
  });

  it('a write failure of the retry set stops the run before the checkpoint passes the refused item', async () => {
    const s = setup();
    const a = active(1);
    s.halo.put(a);
    s.jira.failCreateFor.add(a.id);
    const put = s.state.putRetry.bind(s.state);
    s.state.putRetry = async () => { throw new StateStoreError('state table t: could not write the retry set: throttled'); };
    await expect(s.run()).rejects.toThrow('could not write the retry set');
    s.state.putRetry = put;
    expect(await s.deps.checkpoint.load(0)).toEqual({ ms: START, seeded: false });
  });
});

describe('run lease', () => {
  it('a run while another holds the lease exits without touching Halo or Jira', async () => {
    const s = setup();
    s.halo.put(active(1));
    s.state.lease = { owner: 'other-run', expiresAt: s.clock.now + 60_000 };
    const r = await s.run();
    expect(r.notRun).toBe('another run holds the lease');
    expect([s.halo.calls, s.jira.calls]).toEqual([[], []]);
  });

  it('an expired lease is taken over; the lease is released at the end', async () => {
    const s = setup();
    s.halo.put(active(1));
    s.state.lease = { owner: 'crashed-run', expiresAt: s.clock.now - 1 };
    const r = await s.run();
    expect(r.actions.create).toBe(1);
    expect(s.state.lease).toBeUndefined();
  });

  it('the state table unreachable: the run fails before any Jira request', async () => {
    const s = setup();
    s.halo.put(active(1));
    s.state.failWith = new StateStoreError('state table t: could not write the run lease: connect ECONNREFUSED');
    await expect(s.run()).rejects.toThrow('ECONNREFUSED');
    expect(s.jira.calls).toEqual([]);
  });

  it('DRY_RUN writes nothing to Jira and nothing to the state table but the lease', async () => {
    const s = setup();
    const a = active(1);
    s.halo.put(a, resolved(2));
    s.jira.failCreateFor.add(a.id);
    const r = await s.run({ DRY_RUN: 'true' });
    expect(r.planned).toHaveLength(2);
    expect(s.jira.writes).toEqual([]);
    expect(new Set(s.state.writes)).toEqual(new Set(['lease']));
  });
});

describe('stop on failure', () => {
  it('after a fatal error no new chunk starts, and nothing runs after the run rejected', async () => {
    const s = setup({ chunksInFlight: 2, chunkSize: 1 });
    const issues = [1, 2, 3, 4, 5, 6].map((m) => active(m));
    s.halo.put(...issues);
    s.halo.failDescribe.set(issues[1]!.id, new HttpError('halo answered 403', 403, {}));
    await expect(s.run()).rejects.toThrow('403');
    const described = s.halo.calls.filter((c) => c.startsWith('describe')).length;
    const jiraRequests = s.jira.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(described).toBeLessThanOrEqual(3);
    expect([s.halo.calls.filter((c) => c.startsWith('describe')).length, s.jira.calls.length]).toEqual([described, jiraRequests]);
    expect(s.state.lease).toBeUndefined();
  });
});

describe('ambiguous writes are settled in the run', () => {
  it('a close answered 502 that did happen is not sent again; one that did not happen is redone', async () => {
    const s = setup();
    const a = resolved(1);
    const b = resolved(2);
    s.halo.put(a, b);
    const ta = s.jira.add(a.id, 'Open');
    const tb = s.jira.add(b.id, 'Open');
    const transition = s.jira.transition.bind(s.jira);
    const lost = new Set([ta.key, tb.key]);
    s.jira.transition = async (key, id) => {
      if (lost.delete(key)) {
        if (key === ta.key) await transition(key, id); // applied, answer lost
        throw new RetryableError('jira answered 502', { status: 502 });
      }
      return transition(key, id);
    };
    const r = await s.run();
    expect(r.failures).toEqual([]);
    expect([ta.status, tb.status]).toEqual(['Closed', 'Closed']);
    expect(s.jira.writes.filter((w) => w.startsWith('transition'))).toEqual([`transition ${ta.key} Close`, `transition ${tb.key} Close`]);
    expect(r.ambiguousWritesResolved).toBe(1);
  });

  it('a comment answered with a timeout that did happen is not duplicated', async () => {
    const s = setup();
    const a = active(5);
    s.halo.put(a);
    const t = s.jira.add(a.id, 'Open');
    const add = s.jira.addComment.bind(s.jira);
    let first = true;
    s.jira.addComment = async (key, body) => {
      await add(key, body);
      if (first) {
        first = false;
        throw new RetryableError('jira request failed: ETIMEDOUT', { code: 'ETIMEDOUT' });
      }
    };
    const r = await s.run();
    expect([r.failures, t.comments.length, r.actions.comment]).toEqual([[], 1, 1]);
  });
});

describe('creates whose answer was lost (a run killed between Jira applying a create and its answer)', () => {
  const MIN = 60_000;

  it('a create lost again after its wait is due when search is trusted for the new intent, not after a retry backoff', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    s.halo.put(a, b);
    s.jira.add(b.id, 'Open'); // long-standing; b only moves the checkpoint past a
    s.jira.searchLag = { now: () => s.clock.now, ms: 5 * MIN }; // below the bound (JIRA_SEARCH_LAG_SECONDS: 10 min)
    // Run 1: the create answered 502 without being applied (like a run killed after its intent).
    s.jira.failCreate = new RetryableError('jira answered 502', { status: 502 });
    await s.run();
    s.jira.failCreate = undefined;
    // Run 2: the intent has no answer: a waits, durably in the retry set, and the checkpoint passes it.
    s.clock.now += MIN;
    expect((await s.run()).retrySet).toMatchObject({ waitingForSearch: 1, size: 1 });
    // Run 3, due: search shows no ticket, the create goes again; Jira applies it, the answer is lost.
    s.clock.now += 10 * MIN;
    s.jira.loseCreateAnswers = 1;
    const sent = s.clock.now;
    await s.run();
    expect(s.jira.byHalo(a.id)).toHaveLength(1);
    // Run 4: a new unanswered intent: a waits again, until search is trusted for it (no 15-minute backoff).
    s.clock.now += MIN;
    expect((await s.run()).retrySet.waitingForSearch).toBe(1);
    expect(s.state.retry.get(a.id)).toMatchObject({ nextTryAt: sent + 10 * MIN, attempts: 1 });
    // Run 5, then: due, search shows the ticket: adopted, not created again.
    s.clock.now = sent + 10 * MIN;
    const r5 = await s.run();
    expect([r5.actions.create, r5.retrySet.due, r5.retrySet.resolved, r5.retrySet.size]).toEqual([0, 1, 1, 0]);
    expect(s.jira.byHalo(a.id)).toHaveLength(1);
  });

  it('an issue reconciled from the checkpoint timeline leaves the retry set even when its entry was not due yet', async () => {
    const s = setup();
    const a = active(1);
    s.halo.put(a, active(2));
    s.jira.failCreateFor.add(a.id);
    await s.run();
    await s.run(); // refused twice: backed off for 15 min
    expect(s.state.retry.get(a.id)).toMatchObject({ attempts: 2, nextTryAt: s.clock.now + 15 * MIN });
    // Jira accepts it now, and Halo saw a again: the timeline brings it before its entry is due.
    s.jira.failCreateFor.clear();
    s.halo.put({ ...a, last_seen_at: at(3) });
    const r = await s.run();
    expect(s.jira.byHalo(a.id)).toHaveLength(1);
    expect([r.retrySet.due, r.retrySet.resolved, r.retrySet.size, s.state.retry.size]).toEqual([0, 1, 0, 0]);
  });

  it('each create intent is stamped right before its own request: the search-lag bound counts from when Jira may apply it', async () => {
    const s = setup({ chunkSize: 4 });
    s.halo.put(active(1), resolved(2), resolved(3), active(4));
    const create = s.jira.createTicketsWith.bind(s.jira);
    const requests: Array<{ sentAt: number; intents: Array<number | string> }> = [];
    s.jira.createTicketsWith = async (list) => {
      const entries = list.map((t) => s.state.ledger.get(String(t.fields.customfield_10050))?.entry);
      requests.push({ sentAt: s.clock.now, intents: entries.map((e) => (e?.state === 'intent' ? e.at : String(e?.state))) });
      s.clock.now += MIN; // a slow Jira: each request takes a minute
      return create(list);
    };
    await s.run();
    // The active issues first (the close transition is learnt from one of them), then the resolved ones created closed.
    expect(requests.map((r) => r.intents.length)).toEqual([2, 2]);
    for (const r of requests) expect(r.intents).toEqual(r.intents.map(() => r.sentAt));
    expect(s.jira.tickets.map((t) => t.status).sort()).toEqual(['Closed', 'Closed', 'Open', 'Open']);
  });
});
