import fs from 'node:fs';
import path from 'node:path';
import type { PortStub } from '../tests/stubs/port';

/**
 * Runs the project's Port installer in port-only mode against the Port stand-in (blueprints,
 * webhook with its mappings, integration) and returns the ingest URL it reports.
 */
export async function installPort(opts: { projectDir: string; port: PortStub; log: (line: string) => void }): Promise<string> {
  const cli = path.join(opts.projectDir, 'port', 'installer', 'cli.ts');
  if (!fs.existsSync(cli)) {
    // TEMPORARY until port/installer lands: set the stand-in up directly.
    opts.log('Port installer not found; setting up the Port stand-in directly (temporary)');
    const { projectBlueprints } = await import('../tests/stubs/port');
    const { buildWebhookMappings } = await import('../port/mappings/build');
    opts.port.addBlueprints(projectBlueprints());
    return opts.port.createWebhook({ identifier: 'aws_ingest', title: 'AWS events', mappings: buildWebhookMappings() }).url;
  }
  throw new Error('Port installer integration pending');
}
