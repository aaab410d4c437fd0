import { HttpError } from '../../shared/errors';
import type { SyncConfig } from '../../functions/jiraSync/config';
import type { JiraClient } from '../../functions/jiraSync/clients/jira';

/** What every doctor check speaks: its finding, the Jira it asks, and what earlier checks found. */
type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export type JiraProbe = Pick<JiraClient, 'get' | 'fields' | 'findTickets'>;

export interface Project { id: string; key: string; name: string }
export interface IssueType { id: string; name: string }

/** What the first checks established, which the later ones work on. */
export interface Site {
  config: SyncConfig;
  jira: JiraProbe;
  user: string;
  project: Project;
  /** Undefined when JIRA_ISSUE_TYPE is not creatable in the project (the later checks say less). */
  issueType?: IssueType;
}

/** Why Jira said no, in its own words. */
export function jiraSays(err: unknown): string {
  if (err instanceof HttpError) {
    const body = err.body as { errorMessages?: string[]; errors?: Record<string, string> } | undefined;
    const words = [...(body?.errorMessages ?? []), ...Object.entries(body?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; ');
    return `HTTP ${err.status}${words ? `: ${words}` : ''}`;
  }
  return (err as Error).message ?? String(err);
}

export const statusOf = (err: unknown): number | undefined => (err instanceof HttpError ? err.status : undefined);

