import { loadConfig } from '../../../functions/jiraSync/config';
import { canonicalHaloId, haloIdForms } from '../../../functions/jiraSync/clients/jira';
import { createGate, DAY, isDue, leaseFree, ledgerExpiry, recordRefusal, recordWait, retryDelayMs, settingsHash } from '../../../functions/jiraSync/state/rules';

/** The pure rules of the sync state: ledger gate, retry backoff, lease; no server. */
const T = Date.parse('2026-11-20T12:00:00Z');
const LAG = 10 * 60_000;

describe('create ledger gate', () => {
  it.each([
    ['no entry', undefined, T, 'free'],
    ['a recorded result', { haloId: 'h', state: 'created' as const, runId: 'r', at: T, ticketId: '1', ticketKey: 'SEC-1' }, T, 'free'],
    ['an intent younger than the search lag bound', { haloId: 'h', state: 'intent' as const, runId: 'r', at: T - LAG + 1 }, T, 'wait'],
    ['an intent exactly as old as the bound', { haloId: 'h', state: 'intent' as const, runId: 'r', at: T - LAG }, T, 'free'],
  ])('%s → %s', (_label, entry, now, kind) => {
    expect(createGate(entry, now, LAG).kind).toBe(kind);
  });

  it('a waiting create says until when and why', () => {
    const gate = createGate({ haloId: 'h', state: 'intent', runId: 'run-1', at: T }, T + 1000, LAG);
    expect(gate).toEqual({ kind: 'wait', untilMs: T + LAG, reason: expect.stringContaining('run run-1') });
  });

  it('a resolved entry expires only after search is trusted for it, plus a day', () => {
    expect(ledgerExpiry({ haloId: 'h', state: 'created', runId: 'r', at: T, ticketId: '1', ticketKey: 'K-1' }, LAG)).toBe(T + LAG + DAY);
  });
});

describe('retry backoff', () => {
  it('next run first, then 15 min doubling, capped at a day', () => {
    expect([1, 2, 3, 4, 5, 20].map(retryDelayMs)).toEqual([0, 15 * 60_000, 30 * 60_000, 60 * 60_000, 120 * 60_000, DAY]);
  });

  it('counts attempts, keeps the first failure time', () => {
    const first = recordRefusal(undefined, { haloId: 'h', action: 'create', reason: 'x' }, T, 'hash');
    expect(first).toMatchObject({ attempts: 1, nextTryAt: T, firstFailedAt: T });
    const second = recordRefusal(first, { haloId: 'h', action: 'create', reason: 'y' }, T + 5, 'hash');
    expect(second).toMatchObject({ attempts: 2, nextTryAt: T + 5 + 15 * 60_000, firstFailedAt: T, reason: 'y' });
  });

  it('a wait (a create waiting for search) is due exactly when search is trusted, however often it waited: no backoff', () => {
    const w1 = recordWait(undefined, { haloId: 'h', action: 'create', reason: 'w', untilMs: T + LAG }, T, 'hash');
    expect(w1).toMatchObject({ attempts: 1, nextTryAt: T + LAG, firstFailedAt: T });
    // Retried when due, the create was sent again and its answer lost again: a new intent, a new wait.
    let w = w1;
    for (let k = 1; k <= 5; k++) w = recordWait(w, { haloId: 'h', action: 'create', reason: 'w', untilMs: T + (k + 1) * LAG }, T + k * LAG + 1, 'hash');
    expect(w).toMatchObject({ attempts: 1, nextTryAt: T + 6 * LAG, firstFailedAt: T });
    // A refusal after waits backs off from the refusals counted so far, not from the waits.
    expect(recordRefusal(w, { haloId: 'h', action: 'create', reason: 'r' }, T, 'hash')).toMatchObject({ attempts: 2, nextTryAt: T + 15 * 60_000 });
    // A wait after refusals keeps their count (the next refusal backs off further) but is due at its moment.
    const refused = recordRefusal(recordRefusal(undefined, { haloId: 'h', action: 'create', reason: 'r' }, T, 'hash'), { haloId: 'h', action: 'create', reason: 'r' }, T, 'hash');
    expect(recordWait(refused, { haloId: 'h', action: 'create', reason: 'w', untilMs: T + LAG }, T, 'hash')).toMatchObject({ attempts: 2, nextTryAt: T + LAG });
  });

  it('due when its time has come or the settings changed', () => {
    const item = recordRefusal(recordRefusal(undefined, { haloId: 'h', action: 'close', reason: 'x' }, T, 'a'), { haloId: 'h', action: 'close', reason: 'x' }, T, 'a');
    expect([isDue(item, T, 'a'), isDue(item, item.nextTryAt, 'a'), isDue(item, T, 'b')]).toEqual([false, true, true]);
  });

  it('the settings hash changes with what decides writes, not with DRY_RUN or ISSUE_SYNC_MAX', () => {
    const env = { HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't', JIRA_API_URL: 'https://x.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed' };
    const base = settingsHash(loadConfig(env));
    expect(settingsHash(loadConfig({ ...env, DRY_RUN: 'true', ISSUE_SYNC_MAX: '5' }))).toBe(base);
    expect(settingsHash(loadConfig({ ...env, ISSUE_CLOSE_TRANSITION: 'Done' }))).not.toBe(base);
    expect(settingsHash(loadConfig({ ...env, JIRA_FIELD_STATIC: 'Labels:halo' }))).not.toBe(base);
  });
});

describe('run lease', () => {
  it.each([
    ['none', undefined, true],
    ['held by another, not expired', { owner: 'b', expiresAt: T + 1 }, false],
    ['held by another, expired', { owner: 'b', expiresAt: T }, true],
    ['our own', { owner: 'a', expiresAt: T + 1000 }, true],
  ])('%s → free: %s', (_label, lease, free) => {
    expect(leaseFree(lease, 'a', T)).toBe(free);
  });
});

describe('Halo id spellings (migration from v1.x)', () => {
  it('the 32-hex form of the old tool and the v3 UUID are the same issue', () => {
    expect(canonicalHaloId('5CDE8D72E13511E893CD39D8AAD7E50A')).toBe('5cde8d72-e135-11e8-93cd-39d8aad7e50a');
    expect(canonicalHaloId('5cde8d72-e135-11e8-93cd-39d8aad7e50a')).toBe('5cde8d72-e135-11e8-93cd-39d8aad7e50a');
    expect(haloIdForms('5cde8d72-e135-11e8-93cd-39d8aad7e50a')).toEqual(['5cde8d72-e135-11e8-93cd-39d8aad7e50a', '5cde8d72e13511e893cd39d8aad7e50a']);
    expect(haloIdForms('not-a-uuid')).toEqual(['not-a-uuid']);
  });
});
