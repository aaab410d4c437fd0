import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, RetryableError } from '../../../shared/errors';
import { HttpClient } from '../../../shared/http/client';
import { deadlineIn } from '../../../shared/http/retry';

// A scripted local server: each request pops the next behaviour.
type Step = { status: number; headers?: Record<string, string>; body?: unknown } | 'reset';
let script: Step[] = [];
let hits = 0;
const server = http.createServer((req, res) => {
  hits++;
  const step = script.shift() ?? { status: 200, body: { ok: true } };
  if (step === 'reset') return req.socket.destroy();
  res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
  res.end(JSON.stringify(step.body ?? {}));
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  script = [];
  hits = 0;
});

const client = () => new HttpClient({ service: 'test', baseURL: base, policy: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } });

describe('HttpClient', () => {
  it('retries 429, 503 and connection resets, then returns the success', async () => {
    script = [{ status: 429, headers: { 'retry-after': '0' } }, 'reset', { status: 503 }, { status: 200, body: { n: 1 } }];
    const res = await client().request<{ n: number }>({ url: '/x' });
    expect(res.data).toEqual({ n: 1 });
    expect(hits).toBe(4);
  });

  it('throws HttpError without retrying on a permanent 4xx', async () => {
    script = [{ status: 400, body: { errorMessages: ['bad'] } }];
    const err = await client().request({ url: '/x', method: 'POST', data: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).message).toContain('bad');
    expect(hits).toBe(1);
  });

  it('returns accepted statuses to the caller instead of throwing', async () => {
    script = [{ status: 404, body: { error: 'gone' } }];
    const res = await client().request({ url: '/x', accept: [404] });
    expect(res.status).toBe(404);
  });

  it('keeps the last RetryableError when attempts run out', async () => {
    script = [{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }];
    await expect(client().request({ url: '/x' })).rejects.toBeInstanceOf(RetryableError);
    expect(hits).toBe(4);
  });

  it('stops before the deadline when the server asks for a longer wait', async () => {
    script = [{ status: 429, headers: { 'retry-after': '30' } }];
    const started = Date.now();
    await expect(client().request({ url: '/x', deadline: deadlineIn(2000) })).rejects.toBeInstanceOf(RetryableError);
    expect(hits).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never puts the query string or credentials of a URL into errors', async () => {
    script = [{ status: 400 }];
    const err = (await client().request({ url: '/hook?token=s3cr3t' }).catch((e: unknown) => e)) as HttpError;
    expect(JSON.stringify(err.context)).not.toContain('s3cr3t');
  });
});

describe('HttpClient timeouts', () => {
  it('times out a request whose server never answers, even when the deadline reports NaN', async () => {
    const silent = http.createServer(() => undefined); // accepts, never responds
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const c = new HttpClient({ service: 'silent', baseURL: url, timeoutMs: 300, policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await c.request({ url: '/', deadline: { remainingMs: () => Number.NaN } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).context.code).toBe('ETIMEDOUT');
    c.close();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });
});
