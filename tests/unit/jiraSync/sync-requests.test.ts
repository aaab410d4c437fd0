import { memoryCheckpoint } from '../../../functions/jiraSync/checkpoint';
import { loadConfig } from '../../../functions/jiraSync/config';
import { BULK_TRANSITION_MIN } from '../../../functions/jiraSync/moves';
import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { runSync, type SyncDeps } from '../../../functions/jiraSync/sync';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { haloIssue } from './factories';
import { FakeHalo, FakeJira } from './fakes';

/** Issue 11 in the core: created closed, transitions and markers from search, bulk transitions. */
const ENV = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't',
  JIRA_API_URL: 'https://example.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC',
  JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
};
const NOW = Date.parse('2026-11-20T12:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const at = (minute: number): string => new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString();
const active = (minute: number) => haloIssue({ status: 'active', created_at: at(0), last_seen_at: at(minute) });
const resolved = (minute: number) => haloIssue({ status: 'resolved', created_at: at(0), last_seen_at: at(minute - 1), resolved_at: at(minute) });

function setup(chunkSize = 50) {
  const halo = new FakeHalo();
  const jira = new FakeJira();
  const t = { clock: NOW };
  const deps: SyncDeps = { halo, jira, checkpoint: memoryCheckpoint(Date.parse('2026-11-20T09:00:00Z')), state: new MemoryState(), deadline: NO_DEADLINE, now: () => t.clock, log: quiet, chunkSize };
  return { halo, jira, deps, t, run: () => runSync(loadConfig(ENV), deps) };
}

const count = (calls: string[], kind: string): number => calls.filter((c) => c === kind).length;

describe('jiraSync requests per ticket', () => {
  it('creates tickets for resolved issues closed in the bulk create, after learning the close id once', async () => {
    const s = setup(4);
    s.halo.put(...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => (m % 3 === 0 ? active(m) : resolved(m))));
    const r = await s.run();
    expect(r.failures).toEqual([]);
    expect(r.actions).toMatchObject({ create: 10, close: 7 });
    expect(r.createdClosed).toBe(7);
    // One GET of a new ticket's transitions in the whole run; no per-ticket transition.
    expect([count(s.jira.calls, 'transitions'), count(s.jira.calls, 'transition')]).toEqual([1, 0]);
    expect(s.jira.tickets.filter((t) => t.status === 'Closed')).toHaveLength(7);
    expect(s.jira.writes.filter((w) => / Close$/.test(w) && w.startsWith('create'))).toHaveLength(7);
  });

  it('a transition Jira refuses for one element: that ticket is created again without it and closed on its own; the others stay closed in the create', async () => {
    const s = setup();
    const issues = [active(1), resolved(2), resolved(3), resolved(4)];
    s.halo.put(...issues);
    s.jira.refuseCreateTransitionFor.add(issues[2]!.id);
    const r = await s.run();
    expect(r.failures).toEqual([]);
    expect(r.createdClosed).toBe(2);
    expect(r.actions).toMatchObject({ create: 4, close: 3 });
    expect(s.jira.writes.filter((w) => w.startsWith('transition'))).toEqual([`transition ${s.jira.byHalo(issues[2]!.id)[0]!.key} Close`]);
    for (const i of issues) expect(s.jira.byHalo(i.id).map((t) => t.status)).toEqual([i.status === 'resolved' ? 'Closed' : 'Open']);
  });

  it(`closes of ${BULK_TRANSITION_MIN}+ existing tickets go as one bulk task; without "Make bulk changes" one by one`, async () => {
    const s = setup();
    const issues = Array.from({ length: 12 }, (_, i) => resolved(i + 1));
    s.halo.put(...issues);
    for (const i of issues) s.jira.add(i.id, 'Open', at(-5));
    const r = await s.run();
    expect(r.bulkTransitions).toMatchObject({ tasks: 1, moved: 12, failed: 0, pending: 0, refused: false });
    expect(r.actions.close).toBe(12);
    expect([count(s.jira.calls, 'bulkTransition'), count(s.jira.calls, 'transition'), count(s.jira.calls, 'transitions')]).toEqual([1, 0, 0]);

    const denied = setup();
    denied.halo.put(...issues);
    for (const i of issues) denied.jira.add(i.id, 'Open', at(-5));
    denied.jira.bulkDenied = true;
    const r2 = await denied.run();
    expect(r2.bulkTransitions.refused).toBe(true);
    expect(r2.actions.close).toBe(12);
    expect([count(denied.jira.calls, 'bulkTransition'), count(denied.jira.calls, 'transition'), count(denied.jira.calls, 'transitions')]).toEqual([1, 12, 0]);
    expect(denied.jira.tickets.every((t) => t.status === 'Closed')).toBe(true);
  });

  it('comments use the markers search returned: no GET of the ticket, none when the marker is there', async () => {
    const s = setup();
    const a = active(1);
    const b = active(2);
    s.halo.put(a, b);
    s.jira.add(a.id, 'Open', at(-5));
    s.jira.add(b.id, 'Open', at(-5)).comments.push({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `halo-change:${b.id}@${b.last_seen_at}` }] }] });
    const r = await s.run();
    expect([r.actions.comment, r.commentsAlreadyPresent]).toEqual([1, 1]);
    expect(count(s.jira.calls, 'issue')).toBe(0);
    expect(r.requests.jira).toEqual({});
    expect(r.timing.wallMs).toBeGreaterThanOrEqual(0);
    expect(r.timing.throttledMs).toEqual({ jira: 0, halo: 0 });
  });
});
