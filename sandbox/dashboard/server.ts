import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { listenOnLoopback } from '../../local/ports';
import type { Snapshot } from '../snapshot';

/**
 * The dashboard: three static files, `GET /api/state`, an SSE stream pushing the state whenever it
 * changes, and POST actions. 127.0.0.1 only; everything is served from this folder (no CDN).
 */
export interface DashboardActions {
  resolveIssue(id: string): Promise<string>;
  reactivateIssue(id: string): Promise<string>;
  runJiraSync(): Promise<string>;
  runPortResync(): Promise<string>;
  emitEvent(sample?: string): Promise<string>;
}

export interface Dashboard {
  url: string;
  port: number;
  /** Pushes the current state to every open stream now (after an action, a run, a step). */
  nudge(): void;
  stop(): Promise<void>;
}

const PUBLIC = path.join(__dirname, 'public');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export async function startDashboard(opts: {
  port?: number;
  snapshot: () => Promise<Snapshot>;
  actions: DashboardActions;
  pushEveryMs?: number;
}): Promise<Dashboard> {
  const streams = new Set<http.ServerResponse>();
  let lastPushed = '';
  let pushing = false;

  const push = async (): Promise<void> => {
    if (pushing || streams.size === 0) return;
    pushing = true;
    try {
      const json = JSON.stringify(await opts.snapshot());
      if (json !== lastPushed) {
        lastPushed = json;
        for (const res of streams) res.write(`event: state\ndata: ${json}\n\n`);
      }
    } catch {
      // a stand-in going away mid-snapshot (during stop) is not worth a crash
    } finally {
      pushing = false;
    }
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const asset = STATIC[url.pathname];
    if (method === 'GET' && asset) {
      const body = await fs.promises.readFile(path.join(PUBLIC, asset.file));
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store', 'content-length': body.length });
      res.end(body);
      return;
    }
    if (method === 'GET' && url.pathname === '/api/state') return send(res, 200, await opts.snapshot());
    if (method === 'GET' && url.pathname === '/api/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: state\ndata: ${JSON.stringify(await opts.snapshot())}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (method === 'POST') {
      const body = await readJson(req);
      const issue = /^\/api\/halo\/issues\/([^/]+)\/(resolve|reactivate)$/.exec(url.pathname);
      let message: string | undefined;
      try {
        if (issue) {
          const id = decodeURIComponent(issue[1]!);
          message = issue[2] === 'resolve' ? await opts.actions.resolveIssue(id) : await opts.actions.reactivateIssue(id);
        } else if (url.pathname === '/api/jira-sync/run') message = await opts.actions.runJiraSync();
        else if (url.pathname === '/api/port-resync/run') message = await opts.actions.runPortResync();
        else if (url.pathname === '/api/events/emit') {
          const sample = typeof (body as { sample?: unknown })?.sample === 'string' ? (body as { sample: string }).sample : undefined;
          message = await opts.actions.emitEvent(sample);
        }
      } catch (err) {
        return send(res, 400, { error: (err as Error).message });
      } finally {
        void push();
      }
      if (message !== undefined) return send(res, 200, { message });
    }
    send(res, 404, { error: `no route ${method} ${url.pathname}` });
  }

  const { port, close } = await listenOnLoopback(server, opts.port);
  const timer = setInterval(() => void push(), opts.pushEveryMs ?? 1000);
  timer.unref();

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    nudge: () => void push(),
    stop: () => {
      clearInterval(timer);
      for (const res of streams) res.end();
      streams.clear();
      return close();
    },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The request's JSON body (≤ 64 KiB); undefined when absent or not JSON. */
function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (d: Buffer) => {
      if (text.length < 64 * 1024) text += d.toString('utf8');
    });
    req.on('end', () => {
      try {
        resolve(text === '' ? undefined : JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });
}
