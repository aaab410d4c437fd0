import { changedAt, nextCheckpoint, Progress, selectWork, toIso } from '../../../functions/jiraSync/timeline';
import { haloIssue } from './factories';

const at = (iso: string): number => Date.parse(iso);

describe('timeline', () => {
  it('changedAt compares instants, not strings (variable fractional digits, offsets)', () => {
    const issue = haloIssue({ created_at: '2026-11-20T10:00:00Z', last_seen_at: '2026-11-20T10:00:18.86Z', resolved_at: '2026-11-20T10:00:18.856Z' });
    expect(changedAt(issue)).toBe(at('2026-11-20T10:00:18.860Z'));
    expect(changedAt(haloIssue({ created_at: '2026-11-20T12:00:00+02:00', last_seen_at: '2026-11-20T10:30:00Z' }))).toBe(at('2026-11-20T10:30:00Z'));
    expect(changedAt(haloIssue({ created_at: null, last_seen_at: null, resolved_at: null, updated_at: undefined }))).toBeUndefined();
  });

  it('keeps issues changed at or after the checkpoint, oldest first, one per id', () => {
    const since = at('2026-11-20T10:00:00Z');
    const old = haloIssue({ created_at: '2026-11-19T00:00:00Z', last_seen_at: '2026-11-19T09:59:59.999Z' });
    const atCheckpoint = haloIssue({ created_at: '2026-11-19T00:00:00Z', last_seen_at: '2026-11-20T10:00:00.000Z' });
    const later = haloIssue({ last_seen_at: '2026-11-20T11:00:00Z' });
    const laterAgain = { ...later, last_seen_at: '2026-11-20T12:00:00Z' };
    const sel = selectWork([later, old, laterAgain, atCheckpoint], since, 100);
    expect(sel.work.map((w) => [w.haloId, w.at])).toEqual([
      [atCheckpoint.id, since],
      [later.id, at('2026-11-20T12:00:00Z')],
    ]);
    expect(sel.discarded).toBe(1);
    expect(sel.deferred).toBe(0);
  });

  it('ISSUE_SYNC_MAX keeps the oldest and defers the rest', () => {
    const issues = [5, 1, 4, 2, 3].map((m) => haloIssue({ created_at: null, last_seen_at: `2026-11-20T10:0${m}:00Z` }));
    const sel = selectWork(issues, 0, 3);
    expect(sel.work.map((w) => toIso(w.at))).toEqual(['2026-11-20T10:01:00.000Z', '2026-11-20T10:02:00.000Z', '2026-11-20T10:03:00.000Z']);
    expect(sel.deferred).toBe(2);
  });

  it('never splits a group sharing one instant (else the checkpoint could not pass it)', () => {
    const same = [1, 2, 3, 4].map(() => haloIssue({ created_at: null, last_seen_at: '2026-11-20T10:02:00Z' }));
    const first = haloIssue({ created_at: null, last_seen_at: '2026-11-20T10:01:00Z' });
    const last = haloIssue({ created_at: null, last_seen_at: '2026-11-20T10:03:00Z' });
    const sel = selectWork([last, ...same, first], 0, 2);
    expect(sel.work).toHaveLength(5);
    expect(sel.deferred).toBe(1);
  });

  it('the checkpoint advances only over a contiguous settled prefix', () => {
    const work = selectWork([1, 2, 3, 4].map((m) => haloIssue({ created_at: null, last_seen_at: `2026-11-20T10:0${m}:00Z` })), 0, 10).work;
    const p = new Progress(work);
    expect(p.checkpointMs()).toBeUndefined();
    p.settle(1, 'done');
    expect(p.checkpointMs()).toBeUndefined();
    p.settle(0, 'done');
    expect(p.checkpointMs()).toBe(work[1]!.at);
    p.settle(2, 'retry');
    p.settle(3, 'done');
    expect(p.checkpointMs()).toBe(work[1]!.at);
    p.settle(2, 'failed');
    expect(p.checkpointMs()).toBe(work[3]!.at);
    expect(p.settledCount).toBe(4);
  });

  it('never moves the checkpoint backwards', () => {
    expect(nextCheckpoint(100, undefined)).toBe(100);
    expect(nextCheckpoint(100, 50)).toBe(100);
    expect(nextCheckpoint(100, 150)).toBe(150);
  });
});
