import http from 'node:http';
import { HttpClient } from '../../../shared/http/client';
import { DIRECT } from '../../../shared/http/proxy';
import { ThrottleGate } from '../../../shared/http/throttle';
import { listenOnLoopback, type Listening } from '../../../local/ports';

/**
 * One 429 + Retry-After pauses every request of the client, not just the one that got it: requests
 * started during the pause reach the server only after it, one at a time at first.
 */
const RETRY_AFTER_S = 1;
let server: Listening;
let arrivals: Array<{ path: string; at: number; concurrent: number }>;
let inFlight = 0;
let throttledAt = 0;

beforeAll(async () => {
  server = await listenOnLoopback(
    http.createServer((req, res) => {
      inFlight++;
      arrivals.push({ path: req.url ?? '', at: Date.now(), concurrent: inFlight });
      const done = (status: number, headers: Record<string, string> = {}) => {
        inFlight--;
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
      };
      if (req.url === '/first' && throttledAt === 0) {
        throttledAt = Date.now();
        return done(429, { 'retry-after': String(RETRY_AFTER_S) });
      }
      // Answers take a while, so the server can see how many requests overlap.
      setTimeout(() => done(200), 60);
    }),
  );
});

afterAll(() => server.close());

it('a 429 pauses the requests started meanwhile until Retry-After, then lets them in one at a time first', async () => {
  arrivals = [];
  const gate = new ThrottleGate({ maxConcurrency: 8 });
  const client = new HttpClient({
    service: 'jira',
    baseURL: `http://127.0.0.1:${server.port}`,
    proxy: DIRECT,
    gate,
    policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  });
  const first = client.request({ url: '/first' });
  while (throttledAt === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20)); // the 429 has reached the client
  const others = Array.from({ length: 6 }, (_, i) => client.request({ url: `/other-${i}` }));
  await Promise.all([first, ...others]);
  client.close();

  const later = arrivals.filter((a) => a.at > throttledAt);
  expect(later).toHaveLength(7); // the retried /first and the six others
  // Nothing reached the server during the pause (a few ms of timer slack allowed).
  expect(Math.min(...later.map((a) => a.at)) - throttledAt).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 15);
  // After the pause, the first request went alone; concurrency then grew back.
  expect(later[0]!.concurrent).toBe(1);
  expect(Math.max(...later.map((a) => a.concurrent))).toBeGreaterThan(1);
  const stats = gate.stats();
  expect(stats.pauses).toBe(1);
  expect(stats.throttledMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 15);
});
