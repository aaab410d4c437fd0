/**
 * Runs the Jira stand-in on its own: `npx tsx local/jira/main.ts [--port N] [--lag MS]`.
 * Prints the URL and the (stand-in) credentials a client needs; Ctrl-C stops it.
 */
import { startJiraStub } from './server';

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  if (v !== undefined && !Number.isInteger(v)) throw new Error(`--${name} expects an integer`);
  return v;
}

async function main(): Promise<void> {
  const stub = await startJiraStub({ port: flag('port'), searchLagMs: flag('lag') });
  const { config } = stub;
  process.stdout.write(
    [
      `Jira Cloud stand-in listening on ${stub.url}`,
      `  JIRA_API_URL=${stub.url}`,
      `  JIRA_API_USER=${config.email}`,
      `  JIRA_API_TOKEN=${config.apiToken}   (stand-in credential, not a secret)`,
      `  project ${config.project.key}, issue types ${config.issueTypes.map((t) => t.name).join(', ')}, search lag ${config.searchLagMs} ms`,
      `  custom fields: ${config.customFields.map((f) => `${f.name}=customfield_${f.customId}`).join(', ')}`,
      '',
    ].join('\n'),
  );
  const shutdown = (): void => {
    void stub.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
