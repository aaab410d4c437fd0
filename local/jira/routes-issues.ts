/** Issue writes and reads: create, bulk create, get, edit, comments, transitions, changelog. */
import { checkAdf } from './adf';
import type { TransitionConfig } from './config';
import { changelogBean, commentBean, issueBean, selectFields } from './issue-view';
import { checkIssueInput, type InputProblems } from './issue-input';
import { listParam, type JiraRequest, type JiraResponse, type Route } from './router';
import type { ChangeItem, StoredIssue } from './store';
import { issueNotFound, jiraError, protocolError, type JiraSite } from './site';

const MAX_BULK = 50;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type CreateOutcome = { ok: true; issue: StoredIssue; transitioned: boolean } | ({ ok: false } & InputProblems);

/**
 * Creates one issue; a `transition` ({id}) moves it on from the start status in the same request.
 * A transition not available from the start status fails the whole element: nothing is created.
 */
function createOne(body: unknown, site: JiraSite): CreateOutcome {
  const input = checkIssueInput(body, site, 'create');
  if (!input.ok) return input;
  const requested = isObject(body) && isObject(body.transition) ? body.transition : undefined;
  const start = site.config.workflow.initialStatus;
  let chosen: TransitionConfig | undefined;
  if (requested) {
    const id = typeof requested.id === 'string' || typeof requested.id === 'number' ? String(requested.id) : '';
    chosen = site.workflow.find(start, id);
    if (!chosen) return { ok: false, errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} };
    if (!site.allowed('TRANSITION_ISSUES')) return { ok: false, errorMessages: ['You do not have permission to transition this issue.'], errors: {} };
  }
  const issue = site.store.create(input.issueTypeId, start, input.fields);
  if (chosen) site.moveIssue(issue, chosen);
  return { ok: true, issue, transitioned: chosen !== undefined };
}

/** CreatedIssue; `transition` reports the outcome of a requested transition (NestedResponse). */
const created = (outcome: { issue: StoredIssue; transitioned: boolean }, site: JiraSite): Record<string, unknown> => ({
  id: outcome.issue.id, key: outcome.issue.key, self: `${site.siteUrl}/rest/api/3/issue/${outcome.issue.id}`,
  ...(outcome.transitioned ? { transition: { status: 200, errorCollection: { errorMessages: [], errors: {} } } } : {}),
});

function fieldChanges(site: JiraSite, before: Record<string, unknown>, after: Record<string, unknown>): ChangeItem[] {
  const show = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  return Object.entries(after)
    .filter(([id, v]) => JSON.stringify(before[id] ?? null) !== JSON.stringify(v))
    .map(([id, v]) => {
      const f = site.field(id);
      return { field: f?.name ?? id, fieldtype: f?.custom ? 'custom' : 'jira', fieldId: id, from: null, fromString: show(before[id]), to: null, toString: show(v) };
    });
}

/** Runs `answer` on the issue named in the path, or answers Jira's 404. */
function onIssue(req: JiraRequest, site: JiraSite, answer: (issue: StoredIssue) => JiraResponse): JiraResponse {
  const issue = site.store.get(req.params.issueIdOrKey ?? '');
  if (!issue || !site.allowed('BROWSE_PROJECTS')) return issueNotFound();
  return answer(issue);
}

function transition(issue: StoredIssue, body: unknown, site: JiraSite): JiraResponse {
  const t = isObject(body) && isObject(body.transition) ? body.transition : undefined;
  const id = t && (typeof t.id === 'string' || typeof t.id === 'number') ? String(t.id) : undefined;
  if (!id) return protocolError("Missing 'transition' identifier");
  if (!site.allowed('TRANSITION_ISSUES')) return jiraError(403, ['You do not have permission to transition this issue.']);
  const chosen = site.workflow.find(issue.status, id);
  if (!chosen) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
  const comments = isObject(body) && isObject(body.update) && Array.isArray(body.update.comment) ? body.update.comment : [];
  for (const c of comments) {
    const check = checkAdf(isObject(c) && isObject(c.add) ? c.add.body : undefined);
    if (!check.ok) return jiraError(400, [], { comment: check.message });
  }
  site.moveIssue(issue, chosen);
  for (const c of comments) site.store.addComment(issue, (c as { add: { body: unknown } }).add.body, site.config.accountId);
  return { status: 204 };
}

export const issueRoutes: Route[] = [
  {
    method: 'POST', template: '/rest/api/3/issue/bulk', kind: 'bulkCreate',
    handle: (req, site) => {
      const updates = isObject(req.body) && Array.isArray(req.body.issueUpdates) ? req.body.issueUpdates : undefined;
      if (!updates) return protocolError('Request must contain issueUpdates');
      if (updates.length > MAX_BULK) return protocolError(`The number of issues to create must not exceed ${MAX_BULK}, but you asked for ${updates.length}.`);
      const issues: Record<string, unknown>[] = [];
      const errors: Record<string, unknown>[] = [];
      updates.forEach((u, i) => {
        const outcome = createOne(u, site);
        if (outcome.ok) issues.push(created(outcome, site));
        else errors.push({ status: 400, elementErrors: { errorMessages: outcome.errorMessages, errors: outcome.errors, status: 400 }, failedElementNumber: i });
      });
      // Jira answers 201 when at least one issue was created, 400 (same body) when none was.
      return { status: issues.length > 0 || updates.length === 0 ? 201 : 400, body: { issues, errors } };
    },
  },
  {
    method: 'POST', template: '/rest/api/3/issue', kind: 'create',
    handle: (req, site) => {
      const outcome = createOne(req.body, site);
      return outcome.ok ? { status: 201, body: created(outcome, site) } : jiraError(400, outcome.errorMessages, outcome.errors);
    },
  },
  {
    method: 'GET', template: '/rest/api/3/issue/{issueIdOrKey}', kind: 'other',
    handle: (req, site) => onIssue(req, site, (issue) => {
      const bean = issueBean(issue, selectFields(listParam(req.query, 'fields'), '*all', site.fields), site);
      const expand = listParam(req.query, 'expand') ?? [];
      if (expand.includes('changelog')) {
        const histories = issue.history.map((h) => changelogBean(h, site));
        bean.changelog = { startAt: 0, maxResults: histories.length, total: histories.length, histories };
      }
      return { status: 200, body: bean };
    }),
  },
  {
    method: 'PUT', template: '/rest/api/3/issue/{issueIdOrKey}', kind: 'other',
    handle: (req, site) => onIssue(req, site, (issue) => {
      if (!site.allowed('EDIT_ISSUES')) return jiraError(403, ['You do not have permission to edit issues in this project.']);
      const input = checkIssueInput(req.body, site, 'edit', issue.fields);
      if (!input.ok) return jiraError(400, input.errorMessages, input.errors);
      const items = fieldChanges(site, issue.fields, input.fields);
      site.store.write(issue, { fields: input.fields, items, author: site.config.accountId });
      return { status: 204 };
    }),
  },
  {
    method: 'GET', template: '/rest/api/3/issue/{issueIdOrKey}/comment', kind: 'other',
    handle: (req, site) => onIssue(req, site, (issue) => {
      const comments = issue.comments.map((c) => commentBean(c, issue, site));
      return { status: 200, body: { startAt: 0, maxResults: 5000, total: comments.length, comments } };
    }),
  },
  {
    method: 'POST', template: '/rest/api/3/issue/{issueIdOrKey}/comment', kind: 'comment',
    handle: (req, site) => onIssue(req, site, (issue) => {
      if (!site.allowed('ADD_COMMENTS')) return jiraError(403, ['You do not have the permission to comment on this issue.']);
      const check = checkAdf(isObject(req.body) ? req.body.body : undefined);
      if (!check.ok) return jiraError(400, [], { comment: check.message });
      const comment = site.store.addComment(issue, (req.body as { body: unknown }).body, site.config.accountId);
      return { status: 201, body: commentBean(comment, issue, site) };
    }),
  },
  {
    method: 'GET', template: '/rest/api/3/issue/{issueIdOrKey}/transitions', kind: 'transitionsList',
    handle: (req, site) => onIssue(req, site, (issue) => ({
      status: 200,
      body: { expand: 'transitions', transitions: site.workflow.availableFrom(issue.status).map((t) => site.workflow.issueTransition(t, site.siteUrl)) },
    })),
  },
  {
    method: 'POST', template: '/rest/api/3/issue/{issueIdOrKey}/transitions', kind: 'transition',
    handle: (req, site) => onIssue(req, site, (issue) => transition(issue, req.body, site)),
  },
  {
    method: 'GET', template: '/rest/api/3/issue/{issueIdOrKey}/changelog', kind: 'other',
    handle: (req, site) => onIssue(req, site, (issue) => {
      const values = issue.history.map((h) => changelogBean(h, site));
      return { status: 200, body: { self: `${site.siteUrl}/rest/api/3/issue/${issue.key}/changelog`, startAt: 0, maxResults: 100, total: values.length, isLast: true, values } };
    }),
  },
];
