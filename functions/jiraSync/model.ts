/**
 * The domain shapes one sync run passes between its layers: a Halo issue (API v3), a Jira
 * ticket as correlation sees it, and the actions the decision table produces.
 */

/** A Halo v3 issue; only the attributes this service reads are typed, the rest travels along. */
export interface HaloIssue {
  id: string;
  name?: string;
  type?: string;
  source?: string;
  status?: string;
  critical?: boolean;
  created_at?: string | null;
  updated_at?: string | null;
  first_seen_at?: string | null;
  last_seen_at?: string | null;
  resolved_at?: string | null;
  asset_url?: string | null;
  asset_type?: string | null;
  asset_name?: string | null;
  last_finding_urls?: string[] | null;
  [attribute: string]: unknown;
}

/** A Jira ticket found (or created) for a Halo issue. */
export interface Ticket {
  id: string;
  key: string;
  /** Status name, compared exactly with ISSUE_STATUS_CLOSED / STATUS_HARD_CLOSED. */
  status: string;
  /** ISO timestamp of the last update; picks the most recent re-openable ticket. */
  updated: string;
  haloId: string;
}

/** What to do about one Halo issue. `create` with `thenClose` is the "resolved, no ticket" cell. */
export type Action =
  | { kind: 'create'; haloId: string; thenClose: boolean; reason: string }
  | { kind: 'comment'; haloId: string; ticket: Ticket; reason: string }
  | { kind: 'close'; haloId: string; ticket: Ticket; reason: string }
  | { kind: 'reopen'; haloId: string; ticket: Ticket; reason: string }
  | { kind: 'nothing'; haloId: string; reason: string }
  | { kind: 'skip'; haloId: string; reason: SkipReason };

export type SkipReason = 'deleted' | 'unsupported-type' | 'unsupported-status' | 'filtered-sva' | 'filtered-source' | 'comments-disabled';
