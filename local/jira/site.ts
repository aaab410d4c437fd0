/** One stand-in Jira site: configuration, field catalogue, workflow and issues, shared by the routes. */
import type { StubResponse } from '../http-kit';
import type { JiraStubConfig, PermissionKey, TransitionConfig } from './config';
import { BulkTasks } from './bulk-tasks';
import { buildFieldCatalogue, type FieldDef, type ValueContext } from './fields';
import type { ViewContext } from './issue-view';
import type { JqlSite } from './jql-eval';
import { IssueStore, type StoredIssue } from './store';
import { Workflow } from './workflow';

export class JiraSite implements ViewContext {
  readonly fields: FieldDef[];
  readonly workflow: Workflow;
  readonly store: IssueStore;
  readonly bulk: BulkTasks;
  siteUrl = '';

  constructor(readonly config: JiraStubConfig, readonly now: () => number) {
    this.fields = buildFieldCatalogue(config.customFields, config.project);
    this.workflow = new Workflow(config.workflow);
    this.store = new IssueStore(config.project.key, now);
    this.bulk = new BulkTasks(this);
  }

  /** What field value checks need: the site URL and the users that exist (the API user and config.users). */
  valueContext(): ValueContext {
    return { siteUrl: this.siteUrl, accountIds: new Set([this.config.accountId, ...this.config.users.map((u) => u.accountId)]) };
  }

  /** A field by id or key (create/edit bodies use ids). */
  field(id: string): FieldDef | undefined {
    return this.fields.find((f) => f.id === id);
  }

  /** Moves an issue along a workflow transition, as the API user, with its changelog entry. */
  moveIssue(issue: StoredIssue, chosen: TransitionConfig): void {
    const from = this.workflow.status(issue.status);
    const to = this.workflow.status(chosen.to);
    this.store.write(issue, {
      status: chosen.to, author: this.config.accountId,
      items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from?.id ?? null, fromString: issue.status, to: to?.id ?? null, toString: chosen.to }],
    });
  }

  allowed(permission: PermissionKey): boolean {
    return !this.config.deniedPermissions.has(permission);
  }

  isProject(ref: string | undefined): boolean {
    const p = this.config.project;
    return ref !== undefined && (ref === p.id || ref.toUpperCase() === p.key.toUpperCase());
  }

  jqlSite(): JqlSite {
    return {
      fields: this.fields,
      projects: [this.config.project],
      statuses: this.config.workflow.statuses,
      issueTypes: this.config.issueTypes,
      keyExists: (key) => this.store.get(key) !== undefined,
      now: this.now(),
    };
  }
}

/** Jira's error body: `{errorMessages: [...], errors: {field: message}}`. */
export function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}, headers?: Record<string, string>): StubResponse {
  return { status, body: { errorMessages, errors }, ...(headers ? { headers } : {}) };
}

/** A 400 for a request the real API rejects as malformed; recorded in `stub.violations`. */
export function protocolError(message: string): StubResponse & { violation: true } {
  return { ...jiraError(400, [message]), violation: true };
}

export const issueNotFound = (): StubResponse => jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
