import { lambdaHandler } from '../../shared/function/handler';
import { readExternalId, readPortCredentials, readResyncConfig, SETTINGS } from './config';
import { resyncInvocation } from './invocation';

/** Scheduled (or by hand): config → secrets (Port credentials, the spokes' external id, checked) → one resync. */
export const handler = lambdaHandler({
  settings: SETTINGS,
  readConfig: readResyncConfig,
  checkSecrets: (secrets, config) => {
    readPortCredentials(secrets, config);
    readExternalId(secrets, config);
  },
  invoke: (_event: unknown, invocation) => resyncInvocation(invocation),
});
