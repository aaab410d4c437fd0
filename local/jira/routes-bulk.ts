/**
 * The bulk transition task API: submit (needs the global "Make bulk changes" permission, at most
 * 1,000 issues) → taskId; poll the queue for progress and per-issue results. Errors use the bulk
 * APIs' own shape, `{errors: [{message}]}`, not the usual `{errorMessages, errors: {}}`.
 */
import type { StubResponse } from '../http-kit';
import { BULK_TRANSITION_MAX, type BulkTransitionInput } from './bulk-tasks';
import type { Route } from './router';
import type { JiraSite } from './site';

const bulkError = (status: number, ...messages: string[]): StubResponse => ({ status, body: { errors: messages.map((message) => ({ message })) } });

const NO_BULK_CHANGE = "You don't have the global permission 'Make bulk changes' (BULK_CHANGE) needed for bulk operations.";

function inputsOf(body: unknown): BulkTransitionInput[] {
  const list = (body as { bulkTransitionInputs?: Array<{ transitionId: string; selectedIssueIdsOrKeys: string[] }> }).bulkTransitionInputs ?? [];
  return list.map((i) => ({ transitionId: i.transitionId, issues: [...i.selectedIssueIdsOrKeys] }));
}

function submit(body: unknown, site: JiraSite): StubResponse {
  if (!site.allowed('BULK_CHANGE')) return bulkError(403, NO_BULK_CHANGE);
  const inputs = inputsOf(body);
  const total = inputs.reduce((n, i) => n + i.issues.length, 0);
  if (total === 0) return bulkError(400, 'Provide at least one issue to transition.');
  if (total > BULK_TRANSITION_MAX) return bulkError(400, `You can transition up to ${BULK_TRANSITION_MAX} issues in a single operation, but you asked for ${total}.`);
  const seen = new Set<string>();
  for (const ref of inputs.flatMap((i) => i.issues)) {
    const id = site.store.get(ref)?.id ?? ref;
    if (seen.has(id)) return bulkError(400, `Issue ${ref} is selected more than once.`);
    seen.add(id);
  }
  return { status: 201, body: { taskId: site.bulk.submit(inputs) } };
}

export const bulkRoutes: Route[] = [
  { method: 'POST', template: '/rest/api/3/bulk/issues/transition', kind: 'bulkTransition', handle: (req, site) => submit(req.body, site) },
  {
    method: 'GET', template: '/rest/api/3/bulk/queue/{taskId}', kind: 'bulkProgress',
    handle: (req, site) => {
      if (!site.allowed('BULK_CHANGE')) return bulkError(403, NO_BULK_CHANGE);
      const progress = site.bulk.progress(req.params.taskId ?? '');
      return progress ? { status: 200, body: progress } : bulkError(400, `Task ${req.params.taskId ?? ''} does not exist or has expired.`);
    },
  },
];
