/**
 * Prints load/validation times of the contract validator and generation/listing times of the Halo
 * stand-in: `npx tsx local/halo/measure.ts [issues]` (figures only; nothing asserts on them).
 */
import { loadContract } from '../contract';
import { demoIssues, startHaloStub } from './index';
const issues = Number(process.argv[2] ?? 10000);

void (async () => {
  let t = performance.now();
  const jira = loadContract('jira');
  const load = performance.now() - t; t = performance.now();
  jira.validateRequest({ method: 'POST', path: '/rest/api/3/issue/bulk', query: {}, headers: {}, body: { issueUpdates: [{ fields: {} }] } });
  const first = performance.now() - t; t = performance.now();
  for (let i = 0; i < 10000; i++) jira.validateRequest({ method: 'POST', path: '/rest/api/3/issue/bulk', query: {}, headers: {}, body: { issueUpdates: [{ fields: { summary: 'x' } }] } });
  const warm = (performance.now() - t) / 10000;
  t = performance.now(); const port = loadContract('port'); port.validateRequest({ method: 'POST', path: '/v1/blueprints', query: {}, headers: {}, body: {} });
  const portFirst = performance.now() - t;
  t = performance.now(); const data = demoIssues(issues, 1); const gen = performance.now() - t;
  const stub = await startHaloStub({ issues: data });
  const tok = (await (await fetch(`${stub.url}/oauth/access_token?grant_type=client_credentials`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${stub.apiKey}:${stub.apiSecret}`).toString('base64')}` } })).json() as { access_token: string }).access_token;
  t = performance.now(); let next: string | undefined = `${stub.url}/v3/issues?status=active,resolved&state=active,deactivated,missing,retired`; let n = 0, pages = 0;
  while (next) { const b = (await (await fetch(next, { headers: { authorization: `Bearer ${tok}` } })).json()) as { issues: unknown[]; pagination: { next?: string } }; n += b.issues.length; pages++; next = b.pagination.next; }
  const list = performance.now() - t;
  await stub.stop();
  console.log({ jiraLoadMs: Math.round(load), jiraFirstValidationMs: Math.round(first), jiraWarmValidationUs: Math.round(warm * 1000), portLoadPlusFirstMs: Math.round(portFirst), demoMs: Math.round(gen), listed: n, pages, listAllMs: Math.round(list) });
})();
