import type { HaloIssue, Ticket } from '../../../functions/jiraSync/model';

/** Minimal Halo v3 issue / Jira ticket factories for the pure-logic tests. */
let n = 0;
export function haloIssue(overrides: Partial<HaloIssue> = {}): HaloIssue {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `rule ${n}`,
    type: 'csm',
    source: 'server_secure',
    status: 'active',
    critical: false,
    created_at: '2026-11-20T10:00:00.000Z',
    last_seen_at: '2026-11-20T10:05:00.000Z',
    resolved_at: null,
    ...overrides,
  };
}

export function ticket(haloId: string, status: string, overrides: Partial<Ticket> = {}): Ticket {
  n++;
  return { id: String(10000 + n), key: `SEC-${n}`, status, updated: '2026-11-20T11:00:00.000Z', haloId, ...overrides };
}
