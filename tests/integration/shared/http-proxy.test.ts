import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { HttpError } from '../../../shared/errors';
import { HttpClient } from '../../../shared/http/client';
import { DIRECT, readProxySettings } from '../../../shared/http/proxy';
import { listenOnLoopback, type Listening } from '../../../local/ports';
import { startProxy, type ProxyStandIn } from '../../../local/proxy';

/**
 * The egress proxy path end to end: HttpClient → local proxy stand-in → a real https (TLS) or http
 * server on 127.0.0.1. An https target must go through a CONNECT tunnel (the proxy sees only
 * host:port, never the path, query or auth header), reused across requests (keep-alive).
 */
const policy = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
let tmp: string;
let origin: { https: Listening; http: Listening; seen: string[] };
let proxy: ProxyStandIn;
const clients: HttpClient[] = [];
const client = (opts: ConstructorParameters<typeof HttpClient>[0]): HttpClient => {
  const c = new HttpClient({ policy, ...opts });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  // A throw-away self-signed certificate (openssl ships with every CI image and dev machine). The probe
  // names the host `localhost`, as real targets have DNS names: through a tunnel, https-proxy-agent
  // checks the certificate of an IP-literal target against `localhost`, not the IP.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-test-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem')], { stdio: 'ignore' });
  const seen: string[] = [];
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  };
  const tls = https.createServer({ key: fs.readFileSync(path.join(tmp, 'key.pem')), cert: fs.readFileSync(path.join(tmp, 'cert.pem')) }, answer);
  origin = { https: await listenOnLoopback(tls as unknown as http.Server), http: await listenOnLoopback(http.createServer(answer)), seen };
});

/** Runs https-probe.ts in a fresh process with `env` added (how a Lambda gets its proxy settings). */
function probe(count: number, env: Record<string, string>): Promise<string[]> {
  const script = path.join(__dirname, 'https-probe.ts');
  const baseURL = `https://localhost:${origin.https.port}`;
  const childEnv = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tmp, 'cert.pem'), NODE_NO_WARNINGS: '1', ...env };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', script, baseURL, String(count)], { env: childEnv, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`probe failed: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as string[]),
    ),
  );
}

beforeEach(async () => {
  proxy = await startProxy({ credentials: { user: 'egress', password: 'p@ss word' } });
  origin.seen.length = 0;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy.stop();
});

afterAll(async () => {
  delete process.env.HTTP_PROXY;
  await origin.https.close();
  await origin.http.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const withCredentials = (url: string) => url.replace('http://', 'http://egress:p%40ss%20word@');

describe('HttpClient through an egress proxy', () => {
  it('tunnels https requests with CONNECT, once per kept-alive socket; the proxy never sees path or auth header', async () => {
    const paths = await probe(3, { HTTPS_PROXY: withCredentials(proxy.url), NO_PROXY: 'jira.example.internal' });
    expect(paths).toEqual([0, 1, 2].map((i) => `/rest/api/3/field?n=${i}`));
    expect(proxy.seen).toEqual([{ method: 'CONNECT', target: `localhost:${origin.https.port}`, authorized: true }]);
    expect(proxy.tunnels()).toBe(1);
    expect(origin.seen).toEqual([0, 1, 2].map((i) => `GET /rest/api/3/field?n=${i} auth=Basic dG9rZW4=`));
  }, 40_000);

  it('goes direct to an https host listed in the environment NO_PROXY', async () => {
    await probe(1, { https_proxy: withCredentials(proxy.url), no_proxy: 'localhost' });
    expect(proxy.seen).toEqual([]);
    expect(origin.seen).toHaveLength(1);
  }, 40_000);

  it('sends http requests to the proxy in absolute form', async () => {
    const c = client({ service: 'halo', baseURL: `http://127.0.0.1:${origin.http.port}`, proxy: readProxySettings({ http_proxy: withCredentials(proxy.url) }) });
    await c.request({ url: '/v3/issues', params: { page: 2 } });
    expect(proxy.seen).toEqual([{ method: 'GET', target: `http://127.0.0.1:${origin.http.port}/v3/issues?page=2`, authorized: true }]);
    expect(origin.seen).toEqual(['GET /v3/issues?page=2 auth=']);
  });

  it('goes direct for hosts in NO_PROXY (CIDR too)', async () => {
    const settings = readProxySettings({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.0/8' });
    await client({ service: 'b', baseURL: `http://127.0.0.1:${origin.http.port}`, proxy: settings }).request({ url: '/direct' });
    expect(proxy.seen).toEqual([]);
    expect(origin.seen).toEqual(['GET /direct auth=']);
  });

  it("never uses axios' own reading of the environment: the settings given decide", async () => {
    process.env.HTTP_PROXY = proxy.url;
    try {
      await client({ service: 'direct', baseURL: `http://127.0.0.1:${origin.http.port}`, proxy: DIRECT }).request({ url: '/x' });
    } finally {
      delete process.env.HTTP_PROXY;
    }
    expect(proxy.seen).toEqual([]);
    expect(origin.seen).toHaveLength(1);
  });

  it('a refused proxy login is a permanent 407 whose error holds no proxy password', async () => {
    const wrong = proxy.url.replace('http://', 'http://egress:wrong-s3cret@');
    const err = await client({ service: 'port-ingest', baseURL: `https://127.0.0.1:${origin.https.port}`, proxy: readProxySettings({ HTTPS_PROXY: wrong }) })
      .request({ url: '/hook' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(407);
    expect(JSON.stringify({ message: (err as Error).message, context: (err as HttpError).context })).not.toContain('wrong-s3cret');
    expect(origin.seen).toEqual([]);
  });
});
