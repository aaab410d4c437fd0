/** The Jira Cloud REST v3 stand-in: `startJiraStub()` and its types. */
export { startJiraStub, type JiraStub, type TicketView } from './server';
export { DEFAULT_CUSTOM_FIELDS, DEFAULT_WORKFLOW, HALO_ISSUE_ID_FIELD, type JiraStubOptions } from './config';
export { adfParagraph } from './adf';
export { REMOVED_SEARCH_MESSAGE } from './routes-search';

import type { JiraStub as Stub } from './server';

/** The jiraSync settings that fit the stand-in's default project, issue type, id field and workflow. */
const SYNC_SETTINGS = {
  JIRA_ISSUE_TYPE: 'Bug',
  JIRA_ISSUE_ID_FIELD: 'Halo Issue ID',
  ISSUE_CLOSE_TRANSITION: 'Close',
  ISSUE_REOPEN_TRANSITION: 'Reopen',
  ISSUE_STATUS_CLOSED: 'Closed',
  STATUS_HARD_CLOSED: "Won't Fix",
} as const;

/** Everything jiraSync needs to reach this stand-in: URL, credentials, project and SYNC_SETTINGS. */
export function jiraSyncEnv(stub: Stub): Record<string, string> {
  return {
    JIRA_API_URL: stub.url,
    JIRA_API_USER: stub.config.email,
    JIRA_API_TOKEN: stub.config.apiToken,
    JIRA_PROJECT_KEY: stub.config.project.key,
    ...SYNC_SETTINGS,
  };
}
