import { loadSources } from '../port/mappings/build';
import { install } from '../port/installer/install';
import { defaultParameterNames } from '../port/installer/plan';
import type { PortStub } from '../local/port';
import type { SecretStore } from '../port/installer/ssm';

/**
 * Runs the project's Port installer in port-only mode against the Port stand-in: blueprints,
 * webhook with the generated mappings, integration record. Returns the ingest URL it reports
 * (holds the webhook key: never logged) and the signing secret it configured on the webhook — kept
 * in memory here, where a deployed stage keeps them in SSM.
 */
export async function installPort(opts: { port: PortStub }): Promise<{ webhookUrl: string; webhookSecret: string; actions: Record<string, string> }> {
  const lines: string[] = [];
  const kept = new Map<string, string>();
  const secrets: SecretStore = { get: async (name) => kept.get(name), putSecure: async (name, value) => void kept.set(name, value) };
  const result = await install({
    clientId: opts.port.credentials.clientId,
    clientSecret: opts.port.credentials.clientSecret,
    portBaseUrl: opts.port.apiUrl,
    eventSources: Object.keys(loadSources()),
    stage: 'local',
    portOnly: true,
    dryRun: false,
    out: (line) => void lines.push(line),
    secrets,
  });
  if (!result.webhookUrl) throw new Error(`the Port installer reported no webhook URL:\n${lines.join('\n')}`);
  const webhookSecret = kept.get(defaultParameterNames('local').webhookSecret) ?? '';
  return { webhookUrl: result.webhookUrl, webhookSecret, actions: result.actions };
}
