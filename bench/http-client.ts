/**
 * HttpClient cost per request: CPU of the client process only (the receiver runs in a child
 * process), direct and through the egress proxy stand-in (http target, forward mode).
 *   npx tsx bench/http-client.ts [requests=3000] [parallel=8] [bodyKiB=20]
 * Prints figures; asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { HttpClient } from '../shared/http/client';
import { DIRECT, readProxySettings, type ProxySettings } from '../shared/http/proxy';
import { listenOnLoopback } from '../local/ports';
import { startProxy } from '../local/proxy';

const RECEIVER = '--receiver';
const [requests = 3000, parallel = 8, bodyKiB = 20] = process.argv.slice(2).filter((a) => a !== RECEIVER).map(Number);

/** Child-process mode: a receiver answering a small JSON document, and the proxy stand-in. */
async function receiver(): Promise<void> {
  const answer = JSON.stringify({ ok: true, items: Array.from({ length: 20 }, (_, i) => ({ i })) });
  const server = await listenOnLoopback(
    http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
    }),
  );
  const proxy = await startProxy();
  process.on('message', async () => {
    await proxy.stop();
    await server.close();
    process.disconnect();
  });
  process.send?.({ url: `http://127.0.0.1:${server.port}`, proxy: proxy.url });
}

async function measure(label: string, url: string, proxy: ProxySettings): Promise<void> {
  const client = new HttpClient({ service: 'bench', baseURL: url, maxSockets: parallel, proxy });
  const data = Buffer.from(JSON.stringify({ pad: 'x'.repeat(bodyKiB * 1024) }));
  const run = async (n: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (next++ < n) await client.request({ method: 'POST', url: '/ingest', data });
    }));
  };
  await run(200); // warm: sockets, JIT
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run(requests);
  const used = process.cpuUsage(cpu);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  client.close();
  console.log(`${label}: ${requests} POSTs of ${bodyKiB} KiB, ${parallel} in parallel: ${((used.user + used.system) / requests).toFixed(0)} µs client CPU per request; ${Math.round(requests / (ms / 1000))} requests/s`);
}

void (async () => {
  if (process.argv.includes(RECEIVER)) return receiver();
  const child: ChildProcess = fork(__filename, [RECEIVER], { execArgv: ['--import', 'tsx'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const { url, proxy } = await new Promise<{ url: string; proxy: string }>((resolve) => child.once('message', (m) => resolve(m as never)));
  await measure('direct', url, DIRECT);
  await measure('through the proxy stand-in (forward mode)', url, readProxySettings({ HTTP_PROXY: proxy }));
  child.send('stop');
  console.log(`  machine: ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}`);
})();
