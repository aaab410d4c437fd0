/**
 * What the dashboard shows: one JSON document, rebuilt on demand from the live stand-ins, moto and
 * the run log. The page renders it as is; the e2e test reads it too.
 */
type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StartupStep {
  id: string;
  title: string;
  status: StepStatus;
  detail?: string;
  ms?: number;
}

import type { BlueprintEntities, HaloIssueRow, TicketRow } from '../local/world';

/** Halo, Jira and Port rows are the world's own (local/world/rows.ts). */

export interface DeadLetterRow {
  messageId: string;
  sentAt: string;
  reason: string;
  excerpt: string;
}

export interface RunRow {
  at: string;
  fn: 'jiraSync' | 'portForwarder' | 'portResync';
  trigger: 'schedule' | 'manual' | 'queue' | 'start';
  ok: boolean;
  summary: string;
}

/** The last portResync: its counts and duration, or why it failed (sandbox/resync.ts). */
export interface ResyncRow {
  at: string;
  trigger: 'start' | 'manual';
  ok: boolean;
  complete?: boolean;
  created?: number;
  updated?: number;
  deleted?: number;
  unchanged?: number;
  failed?: number;
  durationMs?: number;
  error?: string;
}

export interface Snapshot {
  phase: 'starting' | 'ready' | 'failed' | 'stopping' | 'stopped';
  error?: string;
  steps: StartupStep[];
  halo: HaloIssueRow[];
  jira: TicketRow[];
  port: BlueprintEntities[];
  dlq: { count: number; messages: DeadLetterRow[] };
  runs: RunRow[];
  /** The last portResync, once one ran. */
  resync?: ResyncRow;
  samples: string[];
  counters: Record<string, number>;
  links: Record<string, string>;
}

export function emptySnapshot(): Snapshot {
  return { phase: 'starting', steps: [], halo: [], jira: [], port: [], dlq: { count: 0, messages: [] }, runs: [], samples: [], counters: {}, links: {} };
}
