import { planIssue, type PlanOptions } from '../../../functions/jiraSync/plan';
import { haloIssue, ticket } from './factories';

const OPTS: PlanOptions = { statusClosed: 'Closed', statusHardClosed: ["Won't Fix", 'Rejected'], noComment: false, noSva: false, excludedSources: new Set() };

describe('decision table', () => {
  describe('active Halo issue', () => {
    const issue = haloIssue({ status: 'active' });
    it('no ticket → create', () => {
      expect(planIssue(issue, issue.id, [], OPTS)).toEqual([expect.objectContaining({ kind: 'create', thenClose: false })]);
    });
    it('an open ticket → comment on it', () => {
      const open = ticket(issue.id, 'In Progress');
      expect(planIssue(issue, issue.id, [open], OPTS)).toEqual([expect.objectContaining({ kind: 'comment', ticket: open })]);
    });
    it('an open ticket and NO_COMMENT → skip', () => {
      const open = ticket(issue.id, 'Open');
      expect(planIssue(issue, issue.id, [open], { ...OPTS, noComment: true })).toEqual([{ kind: 'skip', haloId: issue.id, reason: 'comments-disabled' }]);
    });
    it('only re-openable closed tickets → reopen the most recently updated one', () => {
      const older = ticket(issue.id, 'Closed', { updated: '2026-11-01T00:00:00.000Z' });
      const newer = ticket(issue.id, 'Closed', { updated: '2026-11-02T00:00:00.000+01:00' });
      const oldest = ticket(issue.id, 'Closed', { updated: '2026-10-01T00:00:00.000Z' });
      expect(planIssue(issue, issue.id, [older, newer, oldest], OPTS)).toEqual([expect.objectContaining({ kind: 'reopen', ticket: newer })]);
    });
    it('only hard-closed tickets → create a new one', () => {
      expect(planIssue(issue, issue.id, [ticket(issue.id, "Won't Fix"), ticket(issue.id, 'Rejected')], OPTS)).toEqual([
        expect.objectContaining({ kind: 'create', thenClose: false }),
      ]);
    });
    it('open + closed + hard-closed → comments on the open one, never on a closed one', () => {
      const open = ticket(issue.id, 'Open', { updated: '2026-01-01T00:00:00.000Z' });
      const closed = ticket(issue.id, 'Closed', { updated: '2026-11-01T00:00:00.000Z' });
      const hard = ticket(issue.id, "Won't Fix", { updated: '2026-11-02T00:00:00.000Z' });
      expect(planIssue(issue, issue.id, [closed, hard, open], OPTS)).toEqual([expect.objectContaining({ kind: 'comment', ticket: open })]);
    });
    it('closed + hard-closed → reopens the closed one', () => {
      const closed = ticket(issue.id, 'Closed');
      const hard = ticket(issue.id, 'Rejected');
      expect(planIssue(issue, issue.id, [hard, closed], OPTS)).toEqual([expect.objectContaining({ kind: 'reopen', ticket: closed })]);
    });
    it('ignores tickets carrying another Halo id', () => {
      expect(planIssue(issue, issue.id, [ticket('someone-else', 'Open')], OPTS)).toEqual([expect.objectContaining({ kind: 'create' })]);
    });
  });

  describe('resolved Halo issue', () => {
    const issue = haloIssue({ status: 'resolved', resolved_at: '2026-11-20T12:00:00Z' });
    it('no ticket → create, then close', () => {
      expect(planIssue(issue, issue.id, [], OPTS)).toEqual([expect.objectContaining({ kind: 'create', thenClose: true })]);
    });
    it('an open ticket → close it', () => {
      const open = ticket(issue.id, 'Open');
      const closed = ticket(issue.id, 'Closed');
      expect(planIssue(issue, issue.id, [closed, open], OPTS)).toEqual([expect.objectContaining({ kind: 'close', ticket: open })]);
    });
    it('several open tickets → closes each of them', () => {
      const a = ticket(issue.id, 'Open');
      const b = ticket(issue.id, 'In Progress');
      const actions = planIssue(issue, issue.id, [a, b], OPTS);
      expect(actions.map((x) => x.kind)).toEqual(['close', 'close']);
      expect(actions.map((x) => ('ticket' in x ? x.ticket.key : '')).sort()).toEqual([a.key, b.key].sort());
    });
    it('only re-openable closed tickets → nothing (no duplicate ticket)', () => {
      expect(planIssue(issue, issue.id, [ticket(issue.id, 'Closed')], OPTS)).toEqual([expect.objectContaining({ kind: 'nothing' })]);
    });
    it('only hard-closed tickets → nothing', () => {
      expect(planIssue(issue, issue.id, [ticket(issue.id, "Won't Fix")], OPTS)).toEqual([expect.objectContaining({ kind: 'nothing' })]);
    });
  });

  describe('skips, counted with a reason, never a crash', () => {
    it.each([
      ['deleted (describe 404)', undefined, OPTS, 'deleted'],
      ['unsupported type', haloIssue({ type: 'automotive' }), OPTS, 'unsupported-type'],
      ['missing type', haloIssue({ type: undefined }), OPTS, 'unsupported-type'],
      ['unknown status', haloIssue({ status: 'snoozed' }), OPTS, 'unsupported-status'],
      ['NO_SVA', haloIssue({ type: 'sva' }), { ...OPTS, noSva: true }, 'filtered-sva'],
      ['EXCLUDE_SERVER_SECURE', haloIssue({ source: 'server_secure' }), { ...OPTS, excludedSources: new Set(['server_secure']) }, 'filtered-source'],
      ['EXCLUDE_CONTAINER_SECURE', haloIssue({ source: 'container_secure' }), { ...OPTS, excludedSources: new Set(['container_secure']) }, 'filtered-source'],
      ['EXCLUDE_CLOUD_SECURE', haloIssue({ source: 'cloud_secure' }), { ...OPTS, excludedSources: new Set(['cloud_secure']) }, 'filtered-source'],
    ])('%s', (_label, issue, opts, reason) => {
      expect(planIssue(issue, 'id-1', [ticket('id-1', 'Open')], opts)).toEqual([{ kind: 'skip', haloId: 'id-1', reason }]);
    });
    it('NO_SVA keeps other types; EXCLUDE_* keeps other sources', () => {
      const csm = haloIssue({ type: 'csm', source: 'cloud_secure' });
      expect(planIssue(csm, csm.id, [], { ...OPTS, noSva: true, excludedSources: new Set(['server_secure']) })[0]!.kind).toBe('create');
    });
  });
});
