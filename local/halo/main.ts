import { demoIssues } from './factory';
import { startHaloStub } from './halo-stub';

/** Runs the Halo stand-in alone: `npx tsx local/halo/main.ts [--port N] [--issues N] [--seed N]`. */
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} expects a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const count = flag('issues', 50);
  // Issues end "now" so a first sync run with a short look-back finds recent changes.
  const stub = await startHaloStub({ port: flag('port', 0), issues: demoIssues(count, flag('seed', 1), { now: new Date() }) });
  const line = (k: string, v: string | number): void => void process.stdout.write(`${k.padEnd(20)}${v}\n`);
  line('Halo stand-in', stub.url);
  line('HALO_API_HOSTNAME', stub.url);
  line('issues', count);
  // Local stand-in credentials, printed on purpose: they open nothing but this process.
  line('HALO_API_KEY', stub.apiKey);
  line('HALO_API_SECRET_KEY', stub.apiSecret);
  line('try', `curl -s -u ${stub.apiKey}:${stub.apiSecret} -X POST '${stub.url}/oauth/access_token?grant_type=client_credentials'`);
  const stop = (): void => void stub.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
