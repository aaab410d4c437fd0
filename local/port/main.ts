/**
 * Runs the Port stand-in on its own: `npx tsx local/port/main.ts`.
 * API and ingest listeners on 127.0.0.1, the project's blueprints loaded, and one webhook carrying
 * the project's mappings, so anything posted to the printed PORT_WEBHOOK_URL becomes entities.
 * Prints each ingest request as it arrives; Ctrl-C stops it.
 */
import { buildWebhookMappings } from '../../port/mappings/build';
import { startPortStub } from './index';

async function main(): Promise<void> {
  const port = await startPortStub({ blueprints: true });
  const hook = port.createWebhook({
    identifier: 'aws_ingest',
    title: 'AWS events (local)',
    mappings: buildWebhookMappings(),
    security: { requestIdentifierPath: '.body.id' },
  });
  process.stdout.write(
    [
      'Port stand-in on 127.0.0.1',
      `  API:    ${port.apiUrl}   (PORT_CLIENT_ID=${port.credentials.clientId} PORT_CLIENT_SECRET=${port.credentials.clientSecret}: stand-in credentials)`,
      `  ingest: PORT_WEBHOOK_URL=${hook.url}`,
      '',
    ].join('\n'),
  );
  let shown = 0;
  const timer = setInterval(() => {
    void port.idle().then(() => {
      for (; shown < port.received.length; shown++) {
        const r = port.received[shown]!;
        const items = (r.body as { items?: unknown[] } | undefined)?.items?.length ?? 0;
        process.stdout.write(`${r.at} POST /${r.key.slice(0, 2)}… → ${r.status}, ${items} item(s), ${r.bytes} bytes; entities now ${port.entities().length}\n`);
      }
    });
  }, 500);
  const shutdown = (): void => {
    clearInterval(timer);
    void port.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
