/**
 * Child-process half of http-proxy.test.ts: a fresh Node process, configured as a Lambda would be
 * (HTTPS_PROXY / NO_PROXY in its environment, NODE_EXTRA_CA_CERTS to trust the test certificate),
 * makes `count` requests to `baseURL` through HttpClient and prints what came back as JSON.
 *   node --import tsx tests/integration/shared/https-probe.ts <baseURL> <count>
 */
import { HttpClient } from '../../../shared/http/client';

void (async () => {
  const [baseURL = '', count = '1'] = process.argv.slice(2);
  const client = new HttpClient({ service: 'probe', baseURL, headers: { authorization: 'Basic dG9rZW4=' }, policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const paths: string[] = [];
  for (let i = 0; i < Number(count); i++) paths.push((await client.request<{ path: string }>({ url: '/rest/api/3/field', params: { n: i } })).data.path);
  client.close();
  process.stdout.write(JSON.stringify(paths));
})().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
