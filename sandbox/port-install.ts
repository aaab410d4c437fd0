import { loadSources } from '../port/mappings/build';
import { install } from '../port/installer/install';
import type { PortStub } from '../local/port';

/**
 * Runs the project's Port installer in port-only mode against the Port stand-in: blueprints,
 * webhook with the generated mappings, integration record. Returns the ingest URL it reports
 * (holds the webhook key: never logged).
 */
export async function installPort(opts: { port: PortStub }): Promise<{ webhookUrl: string; actions: Record<string, string> }> {
  const lines: string[] = [];
  const result = await install({
    clientId: opts.port.credentials.clientId,
    clientSecret: opts.port.credentials.clientSecret,
    portBaseUrl: opts.port.apiUrl,
    eventSources: Object.keys(loadSources()),
    stage: 'local',
    portOnly: true,
    dryRun: false,
    out: (line) => void lines.push(line),
  });
  if (!result.webhookUrl) throw new Error(`the Port installer reported no webhook URL:\n${lines.join('\n')}`);
  return { webhookUrl: result.webhookUrl, actions: result.actions };
}
