import { lambdaHandler } from '../../shared/function/handler';
import { readPortCredentials, readResyncConfig, SETTINGS } from './config';
import { resyncInvocation } from './invocation';

/** Scheduled (or by hand): config → secrets (Port credentials, checked) → one resync. */
export const handler = lambdaHandler({
  settings: SETTINGS,
  readConfig: readResyncConfig,
  checkSecrets: (secrets, config) => void readPortCredentials(secrets, config),
  invoke: (_event: unknown, invocation) => resyncInvocation(invocation),
});
