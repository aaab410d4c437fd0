/** The Jira Cloud REST v3 stand-in: `startJiraStub()` and its types. */
export { startJiraStub, type JiraStub, type SeedTicket, type TicketView, type Violation } from './server';
export { DEFAULT_CUSTOM_FIELDS, DEFAULT_WORKFLOW, HALO_ISSUE_ID_FIELD, type JiraStubOptions } from './config';
export { adfParagraph, TEXT_LIMIT } from './adf';
export { REMOVED_SEARCH_MESSAGE } from './routes-search';
export type { RequestKind } from './router';
