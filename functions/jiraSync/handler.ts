import { lambdaHandler } from '../../shared/function/handler';
import { loadConfig, SETTINGS } from './config';
import { syncInvocation } from './invocation';

/** Scheduled: config → secrets (Halo and Jira credentials) → one sync run. */
export const handler = lambdaHandler({
  settings: SETTINGS,
  readConfig: loadConfig,
  invoke: (_event: unknown, invocation) => syncInvocation(invocation),
});
