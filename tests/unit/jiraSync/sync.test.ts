import { memoryCheckpoint } from '../../../functions/jiraSync/checkpoint';
import { loadConfig, type SyncConfig } from '../../../functions/jiraSync/config';
import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { runSync, type SyncDeps } from '../../../functions/jiraSync/sync';
import { ConfigError, HttpError, RetryableError } from '../../../shared/errors';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { haloIssue } from './factories';
import { FakeHalo, FakeJira } from './fakes';

const ENV = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't',
  JIRA_API_URL: 'https://example.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC',
  JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
  STATUS_HARD_CLOSED: "Won't Fix",
};
const NOW = Date.parse('2026-11-20T12:00:00Z');
const START = Date.parse('2026-11-20T09:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function setup(env: Record<string, string> = {}, checkpointMs: number | null = START) {
  const config: SyncConfig = loadConfig({ ...ENV, ...env });
  const halo = new FakeHalo();
  const jira = new FakeJira();
  const checkpoint = memoryCheckpoint(checkpointMs ?? undefined);
  const state = new MemoryState();
  const t = { clock: NOW };
  const deps: SyncDeps = { halo, jira, checkpoint, state, deadline: NO_DEADLINE, now: () => t.clock, log: quiet, chunkSize: 3 };
  return {
    config, halo, jira, checkpoint, state, deps,
    get clock() { return t.clock; },
    set clock(v: number) { t.clock = v; },
    run: (extra: Record<string, string> = {}) => runSync(Object.keys(extra).length ? loadConfig({ ...ENV, ...env, ...extra }) : config, deps),
  };
}

const at = (minute: number): string => new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString();
const active = (minute: number, extra = {}) => haloIssue({ status: 'active', created_at: at(0), last_seen_at: at(minute), ...extra });
const resolved = (minute: number, extra = {}) => haloIssue({ status: 'resolved', created_at: at(0), last_seen_at: at(minute - 1), resolved_at: at(minute), ...extra });

describe('runSync against in-memory Halo and Jira', () => {
  it('creates one ticket per new issue (the Halo id inside the create), closes those already resolved, checkpoints the newest', async () => {
    const s = setup();
    const a = active(1);
    const b = resolved(2);
    const c = active(3, { critical: true });
    s.halo.put(a, b, c);
    const summary = await s.run();
    expect(s.jira.byHalo(a.id).map((t) => t.status)).toEqual(['Open']);
    expect(s.jira.byHalo(b.id).map((t) => t.status)).toEqual(['Closed']);
    expect(s.jira.byHalo(c.id)).toHaveLength(1);
    expect(s.jira.byHalo(c.id)[0]!.fields).toMatchObject({ project: { key: 'SEC' }, issuetype: { name: 'Bug' }, customfield_10050: c.id });
    expect(summary.actions).toMatchObject({ create: 3, close: 1, comment: 0, reopen: 0 });
    expect(summary.checkpointAfter).toBe(at(3));
    expect(s.checkpoint.value).toBe(Date.parse(at(3)));
  });

  it('a second run with no Halo change makes zero Jira writes', async () => {
    const s = setup();
    s.halo.put(active(1), resolved(2), active(3));
    await s.run();
    const writes = s.jira.writes.length;
    const second = await s.run();
    expect(s.jira.writes.length).toBe(writes);
    expect(second.actions).toMatchObject({ create: 0, close: 0, reopen: 0, comment: 0 });
    // The issue at the checkpoint instant is seen again (≥) and recognised as done by its marker.
    expect(second.commentsAlreadyPresent).toBe(1);
  });

  it('resolve → close; re-activate → reopen; hard-closed → a new ticket', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    const c = active(3);
    s.halo.put(a, b, c);
    await s.run();
    s.halo.put({ ...a, status: 'resolved', resolved_at: at(10) }, { ...b, status: 'resolved', resolved_at: at(11) });
    const r2 = await s.run();
    expect(r2.actions.close).toBe(2);
    expect(s.jira.byHalo(a.id)[0]!.status).toBe('Closed');
    s.halo.put({ ...a, status: 'active', resolved_at: null, last_seen_at: at(20) });
    s.jira.byHalo(c.id)[0]!.status = "Won't Fix";
    s.halo.put({ ...c, last_seen_at: at(21) });
    const r3 = await s.run();
    expect(r3.actions).toMatchObject({ reopen: 1, create: 1 });
    expect(s.jira.byHalo(a.id).map((t) => t.status)).toEqual(['Open']);
    expect(s.jira.byHalo(c.id).map((t) => t.status).sort()).toEqual(['Open', "Won't Fix"]);
  });

  it('comments once per Halo change, with a marker; a rerun adds no duplicate; NO_COMMENT writes nothing', async () => {
    const s = setup();
    const a = active(1, { last_finding_urls: ['https://api.cloudpassage.com/v1/scans/s1/findings/f1'] });
    s.halo.put(a);
    s.halo.linked.set('https://api.cloudpassage.com/v1/scans/s1/findings/f1', { id: 'f1', status: 'bad' });
    await s.run();
    s.halo.put({ ...a, last_seen_at: at(30) });
    const r2 = await s.run();
    expect(r2.actions.comment).toBe(1);
    const [t] = s.jira.byHalo(a.id);
    expect(JSON.stringify(t!.comments[0])).toContain(`halo-change:${a.id}@${at(30)}`);
    expect(JSON.stringify(t!.comments[0])).toContain('\\"status\\": \\"bad\\"');
    s.checkpoint.value = Date.parse(at(0)); // as after a crash before the checkpoint write
    const r3 = await s.run();
    expect(r3.actions.comment).toBe(0);
    expect(r3.commentsAlreadyPresent).toBe(1);
    expect(t!.comments).toHaveLength(1);

    const quietRun = setup({ NO_COMMENT: 'true' });
    quietRun.halo.put(a);
    quietRun.jira.add(a.id, 'Open');
    const r4 = await quietRun.run();
    expect(quietRun.jira.writes).toEqual([]);
    expect(r4.skipped['comments-disabled']).toBe(1);
  });

  it('skips deleted, unsupported and filtered issues, counted, and still advances past them', async () => {
    const s = setup({ NO_SVA: 'true', EXCLUDE_CLOUD_SECURE: 'true' });
    const gone = active(1);
    s.halo.put(gone, active(2, { type: 'automotive' }), active(3, { type: 'sva' }), active(4, { source: 'cloud_secure' }), active(5, { status: 'snoozed' }));
    s.halo.deleted.add(gone.id);
    const summary = await s.run();
    expect(summary.skipped).toEqual({ deleted: 1, 'unsupported-type': 1, 'filtered-sva': 1, 'filtered-source': 1, 'unsupported-status': 1 });
    expect(s.jira.writes).toEqual([]);
    expect(summary.checkpointAfter).toBe(at(5));
  });

  it('DRY_RUN prints every planned action and touches nothing (no Jira write, no checkpoint write)', async () => {
    const s = setup({ DRY_RUN: 'true', TIME_RANGE: '600' }, null);
    const a = active(1);
    const b = resolved(2);
    s.halo.put(a, b);
    // The checkpoint is missing: a dry run seeds nothing either (memory store seeds, so check writes instead).
    const summary = await s.run();
    expect(s.jira.writes).toEqual([]);
    expect(summary.planned).toEqual([
      expect.objectContaining({ haloId: a.id, action: 'create' }),
      expect.objectContaining({ haloId: b.id, action: 'create+close' }),
    ]);
    expect(summary.checkpointAfter).toBe(summary.checkpointBefore);
  });

  it('a missing transition is an error on that issue listing the available ones; the run goes on', async () => {
    const s = setup({ ISSUE_CLOSE_TRANSITION: 'Resolve' });
    const a = resolved(1);
    const b = active(2);
    s.halo.put(a, b);
    const summary = await s.run();
    expect(summary.failures).toEqual([
      expect.objectContaining({ haloId: a.id, action: 'close', transient: false, reason: expect.stringMatching(/"Resolve" is not available on SEC-\d+.*available: Start, Close, Won't Fix/) }),
    ]);
    expect(s.jira.byHalo(b.id)).toHaveLength(1);
    expect(summary.checkpointAfter).toBe(at(2));
    // The refused-items metric (jiraSync.refused) counts it.
    expect(summary.refused).toBe(1);
  });

  it('a transient failure holds the checkpoint just before the issue; the rerun completes it without duplicates', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    const c = active(3);
    s.halo.put(a, b, c);
    s.halo.failDescribe.set(b.id, new RetryableError('halo answered 503'));
    const r1 = await s.run();
    expect(r1.checkpointAfter).toBe(at(1));
    expect(r1.failures).toEqual([expect.objectContaining({ haloId: b.id, transient: true })]);
    // Not refused: it waits for the next run, not in the retry set.
    expect(r1.refused).toBe(0);
    s.halo.failDescribe.clear();
    const r2 = await s.run();
    expect(r2.actions.create).toBe(1);
    expect([a, b, c].map((i) => s.jira.byHalo(i.id).length)).toEqual([1, 1, 1]);
    expect(r2.checkpointAfter).toBe(at(3));
  });

  it('a bulk create whose answer was lost is not repeated until search can be trusted; then the retry set creates it', async () => {
    const s = setup();
    s.halo.put(active(1), active(2));
    s.jira.failCreate = new RetryableError('jira answered 502', { status: 502 });
    const r1 = await s.run();
    expect(r1.failures).toHaveLength(2);
    expect(r1.checkpointAfter).toBe(new Date(START).toISOString());
    expect([...s.state.ledger.values()].map((e) => e.entry.state)).toEqual(['intent', 'intent']);
    s.jira.failCreate = undefined;
    const r2 = await s.run();
    expect([r2.actions.create, r2.retrySet.waitingForSearch]).toEqual([0, 2]);
    expect(r2.checkpointAfter).toBe(at(2)); // the ids are durably in the retry set
    s.clock += 10 * 60_000;
    const r3 = await s.run();
    expect([r3.actions.create, r3.retrySet.resolved, r3.retrySet.size]).toEqual([2, 2, 0]);
  });

  it('a per-item bulk create error fails only that issue', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    s.halo.put(a, b);
    s.jira.failCreateFor.add(a.id);
    const summary = await s.run();
    expect(summary.actions.create).toBe(1);
    expect(summary.failures).toEqual([expect.objectContaining({ haloId: a.id, action: 'create', reason: expect.stringContaining('option invalid') })]);
  });

  it('stops starting work near the deadline and checkpoints what is settled', async () => {
    const s = setup();
    s.halo.put(...[1, 2, 3, 4, 5, 6, 7].map((m) => active(m)));
    let budget = 2; // chunks allowed
    s.deps.deadline = { remainingMs: () => (budget-- > 0 ? 60_000 : 1_000) };
    const r1 = await s.run();
    expect(r1.stoppedEarly).toBe(true);
    expect(r1.settled).toBe(6);
    expect(r1.checkpointAfter).toBe(at(6));
    s.deps.deadline = NO_DEADLINE;
    const r2 = await s.run();
    expect(r2.actions.create).toBe(1);
    expect(s.jira.tickets).toHaveLength(7);
  });

  it('ISSUE_SYNC_MAX processes the oldest and leaves the rest for the next run', async () => {
    const s = setup({ ISSUE_SYNC_MAX: '3' });
    s.halo.put(...[5, 4, 3, 2, 1].map((m) => active(m)));
    const r1 = await s.run();
    expect([r1.actions.create, r1.deferred, r1.checkpointAfter]).toEqual([3, 2, at(3)]);
    const r2 = await s.run();
    expect(r2.actions.create).toBe(2);
  });

  it('seeds a missing checkpoint with now − TIME_RANGE and proceeds', async () => {
    const s = setup({ TIME_RANGE: '180' }, null);
    s.halo.put(active(1));
    const r = await s.run();
    expect(r.checkpointSeeded).toBe(true);
    expect(r.checkpointBefore).toBe('2026-11-20T09:00:00.000Z');
    expect(r.actions.create).toBe(1);
  });

  it('an unknown Jira field name fails the run naming the variable, before any write', async () => {
    const s = setup({ JIRA_FIELD_MAPPING: 'issue_critical:Halo Criticality' });
    s.halo.put(active(1));
    const err = await s.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.objectContaining({ variable: 'JIRA_FIELD_MAPPING', value: 'Halo Criticality' })]);
    expect(s.jira.writes).toEqual([]);
  });

  it('puts mapped and static fields in the create request, shaped by field type', async () => {
    const s = setup({ JIRA_FIELD_MAPPING: 'issue_critical:Halo Critical;issue_type:customfield_10061', JIRA_FIELD_STATIC: 'Labels:halo sync;Environment:production' });
    const a = active(1, { critical: true, type: 'fim' });
    s.halo.put(a);
    await s.run();
    expect(s.jira.byHalo(a.id)[0]!.fields).toMatchObject({
      customfield_10060: 'true',
      customfield_10061: { value: 'fim' },
      labels: ['halo_sync'],
      environment: { type: 'doc', version: 1 },
    });
  });

  it('enrichment that Halo cannot give degrades the ticket text, not the run', async () => {
    const s = setup();
    const a = active(1, { asset_url: 'https://api.cloudpassage.com/v1/servers/gone', last_finding_urls: ['https://api.cloudpassage.com/v1/scans/x/findings/y'] });
    s.halo.put(a);
    await s.run();
    const description = JSON.stringify(s.jira.byHalo(a.id)[0]!.fields.description);
    expect(description).toContain('Not available from Halo: asset (deleted in Halo), latest finding (deleted in Halo)');
  });

  it('a credentials error (401) stops the run without moving the checkpoint', async () => {
    const s = setup();
    s.halo.put(active(1));
    s.jira.fatal = new HttpError('jira answered 401', 401, {});
    await expect(s.run()).rejects.toThrow('401');
    expect(s.checkpoint.value).toBe(START);
  });

  describe('search lags behind writes: the live ticket status wins', () => {
    it('search says Open but the ticket is Closed, Halo active → reopen, not a comment on a closed ticket', async () => {
      const s = setup();
      const a = active(1);
      s.halo.put(a);
      const t = s.jira.add(a.id, 'Closed');
      s.jira.staleStatus.set(t.key, 'Open');
      const r = await s.run();
      expect(r.actions).toMatchObject({ reopen: 1, comment: 0 });
      expect(t.status).toBe('Open');
      expect(t.comments).toEqual([]);
    });

    it('search says Closed but the ticket is Open, Halo active → comment instead of a failed reopen', async () => {
      const s = setup();
      const a = active(1);
      s.halo.put(a);
      const t = s.jira.add(a.id, 'Open');
      s.jira.staleStatus.set(t.key, 'Closed');
      const r = await s.run();
      expect(r.failures).toEqual([]);
      expect(r.actions).toMatchObject({ reopen: 0, comment: 1 });
    });

    it('search says Open but a human hard-closed it → no write now; the checkpoint waits for a current search', async () => {
      const s = setup();
      const a = active(1);
      s.halo.put(a);
      const t = s.jira.add(a.id, "Won't Fix");
      s.jira.staleStatus.set(t.key, 'Open');
      const r1 = await s.run();
      expect(r1.failures).toEqual([expect.objectContaining({ haloId: a.id, transient: true })]);
      expect(r1.checkpointAfter).toBe(new Date(START).toISOString());
      expect(s.jira.writes).toEqual([]);
      s.jira.staleStatus.clear();
      expect((await s.run()).actions.create).toBe(1);
    });
  });
});
