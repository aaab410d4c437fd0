/** One stand-in Jira site: configuration, field catalogue, workflow and issues, shared by the routes. */
import type { StubResponse } from '../http-kit';
import type { JiraStubConfig, PermissionKey } from './config';
import { buildFieldCatalogue, type FieldDef } from './fields';
import type { ViewContext } from './issue-view';
import type { JqlSite } from './jql-eval';
import { IssueStore } from './store';
import { Workflow } from './workflow';

export class JiraSite implements ViewContext {
  readonly fields: FieldDef[];
  readonly workflow: Workflow;
  readonly store: IssueStore;
  siteUrl = '';

  constructor(readonly config: JiraStubConfig, readonly now: () => number) {
    this.fields = buildFieldCatalogue(config.customFields);
    this.workflow = new Workflow(config.workflow);
    this.store = new IssueStore(config.project.key, now);
  }

  /** A field by id or key (create/edit bodies use ids). */
  field(id: string): FieldDef | undefined {
    return this.fields.find((f) => f.id === id);
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
