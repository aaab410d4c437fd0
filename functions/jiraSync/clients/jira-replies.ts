/**
 * Pure readers of Jira's replies for the client: bulk create results (per element, with the
 * transition outcome), bulk transition progress, and the change markers a ticket already carries.
 */
import { HttpError, PermanentError } from '../../../shared/errors';

export interface Transition {
  id: string;
  name: string;
  to?: string;
}

export type BulkCreateResult =
  | {
      ok: true;
      id: string;
      key: string;
      /** Asked for a transition: true when Jira applied it, false when it created the ticket without it. */
      transitioned?: boolean;
    }
  | {
      ok: false;
      error: Error;
      /** Only the requested transition was refused: create it again without one, then transition it. */
      transitionRefused: boolean;
    };

interface ErrorCollection {
  errorMessages?: string[];
  errors?: Record<string, string>;
}

export interface CreatedIssues {
  issues?: Array<{ id: string; key: string; transition?: { status?: number; errorCollection?: ErrorCollection } }>;
  errors?: Array<{ failedElementNumber?: number; status?: number; elementErrors?: ErrorCollection }>;
}

const messagesOf = (e: ErrorCollection | undefined): string[] =>
  [...(e?.errorMessages ?? []), ...Object.entries(e?.errors ?? {}).map(([f, m]) => `${f}: ${m}`)];

/** A refusal about the transition alone: no field errors, and the messages speak of the transition. */
function onlyTransition(e: ErrorCollection | undefined): boolean {
  const fieldKeys = Object.keys(e?.errors ?? {}).filter((k) => k !== 'transition');
  return fieldKeys.length === 0 && messagesOf(e).some((m) => /transition/i.test(m));
}

/**
 * Bulk create answers the created issues in request order minus the failed elements, which are
 * listed by `failedElementNumber`. `asked[i]` says whether element i carried a transition.
 */
export function bulkCreateResults(asked: readonly boolean[], data: CreatedIssues): BulkCreateResult[] {
  const failed = new Map<number, ErrorCollection & { status?: number }>();
  for (const e of Array.isArray(data.errors) ? data.errors : []) {
    if (e.failedElementNumber !== undefined) failed.set(e.failedElementNumber, { ...e.elementErrors, status: e.status });
  }
  const created = Array.isArray(data.issues) ? [...data.issues] : [];
  return asked.map((withTransition, i): BulkCreateResult => {
    const error = failed.get(i);
    if (error) {
      const text = messagesOf(error).join('; ') || 'no reason given';
      return { ok: false, error: new HttpError(`Jira refused the ticket: ${text}`, error.status ?? 400, error), transitionRefused: withTransition && onlyTransition(error) };
    }
    const issue = created.shift();
    if (!issue) return { ok: false, error: new PermanentError('Jira bulk create returned fewer issues than requested'), transitionRefused: false };
    const status = issue.transition?.status;
    return {
      ok: true, id: String(issue.id), key: issue.key,
      // Jira reports the transition's own outcome on the created issue (NestedResponse).
      ...(withTransition ? { transitioned: status === undefined || (status >= 200 && status < 300) } : {}),
    };
  });
}

export interface BulkProgress {
  taskId?: string;
  status?: 'ENQUEUED' | 'RUNNING' | 'COMPLETE' | 'FAILED' | 'CANCEL_REQUESTED' | 'CANCELLED' | 'DEAD';
  progressPercent?: number;
  processedAccessibleIssues?: number[];
  failedAccessibleIssues?: Record<string, string[]>;
  invalidOrInaccessibleIssueCount?: number;
  totalIssueCount?: number;
}

/** States after which a task changes no more. */
export const FINISHED: ReadonlySet<string> = new Set(['COMPLETE', 'FAILED', 'CANCELLED', 'DEAD']);

/** The marker text of each Halo change already on a ticket (`halo-change:<id>@<seen>`, see render.ts). */
export function markersIn(bodies: readonly unknown[]): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const m of node.matchAll(/halo-change:\S+/g)) found.add(m[0]);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as { text?: unknown; content?: unknown[] };
    if (typeof n.text === 'string') walk(n.text);
    n.content?.forEach(walk);
  };
  bodies.forEach(walk);
  return [...found];
}
