import axios from 'axios';
import http from 'node:http';
import { startPortStub, type PortStub } from '../../../local/port';
import type { WebhookMapping } from '../../../port/mappings/evaluate';
import { SIGNATURE, signatureOf, webhookSecurity } from '../../../shared/webhook-signature';

const bp = {
  identifier: 'thing',
  title: 'Thing',
  schema: { properties: { state: { type: 'string' as const }, size: { type: 'number' as const } } },
};
const mappings: WebhookMapping[] = [
  {
    blueprint: 'thing',
    itemsToParse: '.body.items',
    filter: '.item.kind == "thing" and .item.state != "gone"',
    entity: { identifier: '.item.id', title: '.item.name', properties: { state: '.item.state', size: '.item.size' } },
  },
  { blueprint: 'thing', operation: 'delete', itemsToParse: '.body.items', filter: '.item.kind == "thing" and .item.state == "gone"', entity: { identifier: '.item.id' } },
];

const agent = new http.Agent({ keepAlive: true });
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  axios.post(url, body, { validateStatus: () => true, httpAgent: agent, headers, maxBodyLength: Infinity });

describe('Port stand-in: ingest host', () => {
  let port: PortStub;
  let url: string;
  beforeAll(async () => {
    port = await startPortStub({ blueprints: [bp], seed: 42 });
  });
  beforeEach(() => {
    port.reset();
    const id = `hook${Math.random().toString(36).slice(2, 8)}`;
    url = port.createWebhook({ identifier: id, mappings, security: { requestIdentifierPath: '.body.id' } }).url;
  });
  afterAll(async () => {
    agent.destroy();
    await port.stop();
  });

  it('answers 202 {ok:true}, records the request, then writes, updates and deletes entities through the mappings', async () => {
    const first = await post(url, { id: 'b1', items: [{ kind: 'thing', id: 't1', name: 'One', state: 'up', size: 3 }, { kind: 'other', id: 'x' }] });
    expect(first.status).toBe(202);
    expect(first.data).toEqual({ ok: true });
    await port.idle();
    expect(port.received).toHaveLength(1);
    expect(port.received[0]).toMatchObject({ status: 202, body: { id: 'b1' } });
    expect(port.entities('thing')).toEqual([expect.objectContaining({ identifier: 't1', title: 'One', properties: { state: 'up', size: 3 } })]);

    await post(url, { id: 'b2', items: [{ kind: 'thing', id: 't1', state: 'down' }] });
    await port.idle();
    // Like Port, a mapping whose jq yields null writes null (project mappings guard against it, this one does not).
    expect(port.entity('thing', 't1')?.properties).toEqual({ state: 'down', size: null });

    await post(url, { id: 'b3', items: [{ kind: 'thing', id: 't1', state: 'gone' }] });
    await port.idle();
    expect(port.entities('thing')).toEqual([]);
  });

  it('de-duplicates by requestIdentifierPath: a redelivered id is accepted and not processed again', async () => {
    const body = { id: 'same', items: [{ kind: 'thing', id: 't2', state: 'up' }] };
    expect((await post(url, body)).status).toBe(202);
    await port.idle();
    await post(url, { id: 'del', items: [{ kind: 'thing', id: 't2', state: 'gone' }] });
    expect((await post(url, body)).status).toBe(202);
    await port.idle();
    expect(port.processed.map((p) => p.duplicate)).toEqual([false, false, true]);
    expect(port.entity('thing', 't2')).toBeUndefined();
  });

  it('answers 404 for an unknown key and 413 above 512 KiB', async () => {
    expect((await post(`${port.ingestBaseUrl}/NoSuchKey1234567890`, { id: 'x', items: [] })).status).toBe(404);
    const big = { id: 'big', items: [{ pad: 'x'.repeat(512 * 1024) }] };
    const res = await post(url, big);
    expect(res.status).toBe(413);
    await port.idle();
    expect(port.processed).toHaveLength(0);
  });

  it('drops requests to a disabled webhook after answering 202', async () => {
    const hook = port.createWebhook({ identifier: 'disabled', enabled: false, mappings });
    expect((await post(hook.url, { id: 'd', items: [{ kind: 'thing', id: 't3', state: 'up' }] })).status).toBe(202);
    await port.idle();
    expect(port.processed[0]?.dropped).toBe(true);
    expect(port.entities('thing')).toEqual([]);
  });

  it('injects seeded random faults reproducibly: 429 with Retry-After, 5xx and connection resets', async () => {
    const run = async (): Promise<string[]> => {
      port.reset();
      port.faults.set({ seed: 7, rateLimit: 0.2, retryAfterSec: 2, serverError: 0.2, reset: 0.1 });
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) {
        try {
          const res = await post(url, { id: `f${i}`, items: [] });
          outcomes.push(res.status === 429 ? `429:${String(res.headers['retry-after'])}` : String(res.status));
        } catch (err) {
          outcomes.push((err as { code?: string }).code ?? 'error');
        }
      }
      return outcomes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain('429:2');
    expect(a).toContain('503');
    expect(a).toContain('202');
    expect(a.some((o) => o === 'ECONNRESET' || o === 'socket hang up' || o === 'ERR_BAD_RESPONSE')).toBe(true);
    expect(port.received.filter((r) => r.fault === 'reset').length).toBe(a.filter((o) => !/^\d/.test(o)).length);
  });

  it('leaves a hung request unanswered until stop() closes it, while other requests are served', async () => {
    const local = await startPortStub();
    const hook = local.createWebhook({ identifier: 'h' });
    local.faults.next.hangNext(1);
    const pending = axios.post(hook.url, { id: 'x', items: [] }).then((r) => `answered ${r.status}`, (e: { code?: string }) => e.code ?? 'error');
    expect((await post(hook.url, { id: 'y', items: [] })).status).toBe(202);
    await local.stop();
    expect(await pending).toMatch(/ECONNRESET|socket hang up|error/);
    expect(local.received.map((r) => r.fault ?? r.status)).toEqual(['hang', 202]);
  });
  describe('signed requests (webhook security with a secret)', () => {
    const secret = 'stand-in-signing-secret-0123456789';
    let signedUrl: string;
    beforeEach(() => {
      signedUrl = port.createWebhook({ identifier: `signed${Math.random().toString(36).slice(2, 8)}`, mappings, security: webhookSecurity(secret) }).url;
    });
    const text = JSON.stringify({ id: 's1', items: [{ kind: 'thing', id: 't9', state: 'up' }] });

    it('accepts a request signed over its exact body bytes and processes it', async () => {
      const res = await post(signedUrl, text, { 'content-type': 'application/json', [SIGNATURE.headerName]: signatureOf(text, secret) });
      expect(res.status).toBe(202);
      await port.idle();
      expect(port.entity('thing', 't9')).toBeDefined();
    });

    it.each([
      ['unsigned', {}],
      ['signed with another secret', { [SIGNATURE.headerName]: signatureOf(text, 'not-the-webhook-secret-000') }],
      ['signed over other bytes', { [SIGNATURE.headerName]: signatureOf(`${text} `, secret) }],
      ['signed without the prefix', { [SIGNATURE.headerName]: signatureOf(text, secret).slice(SIGNATURE.prefix.length) }],
    ])('refuses a request %s with 401 and processes nothing', async (_how, headers: Record<string, string>) => {
      const res = await post(signedUrl, text, { 'content-type': 'application/json', ...headers });
      expect(res.status).toBe(401);
      expect(res.data).toMatchObject({ ok: false, error: 'invalid_signature' });
      await port.idle();
      expect(port.entity('thing', 't9')).toBeUndefined();
      expect(port.received.at(-1)?.status).toBe(401);
    });

    it('still accepts unsigned requests on a webhook without a secret', async () => {
      expect((await post(url, text, { 'content-type': 'application/json' })).status).toBe(202);
    });
  });
});
