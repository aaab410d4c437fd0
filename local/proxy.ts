import http from 'node:http';
import net from 'node:net';
import { listenOnLoopback } from './ports';

/**
 * An egress proxy stand-in on 127.0.0.1, as a VPC's squid would be: `CONNECT host:port` opens a
 * TCP tunnel (https targets; the proxy sees only the host), an absolute-form request
 * (`GET http://host/path`) is forwarded (http targets). With `credentials` set, a request without
 * the matching `Proxy-Authorization: Basic …` is answered 407. Every request is recorded.
 */
interface ProxiedRequest {
  method: string;
  /** `host:port` for CONNECT, the absolute URL for forwarded requests. */
  target: string;
  /** Whether the client sent Proxy-Authorization (its value is never kept). */
  authorized: boolean;
}

export interface ProxyStandIn {
  url: string;
  port: number;
  seen: ProxiedRequest[];
  /** Tunnels opened so far (a keep-alive client reuses them). */
  tunnels(): number;
  stop(): Promise<void>;
}

export async function startProxy(opts: { credentials?: { user: string; password: string } } = {}): Promise<ProxyStandIn> {
  const seen: ProxiedRequest[] = [];
  const upstreams = new Set<net.Socket>();
  let tunnels = 0;
  const expected = opts.credentials ? `Basic ${Buffer.from(`${opts.credentials.user}:${opts.credentials.password}`).toString('base64')}` : undefined;
  const admitted = (headers: http.IncomingHttpHeaders): boolean => !expected || headers['proxy-authorization'] === expected;
  const track = (socket: net.Socket): net.Socket => {
    upstreams.add(socket);
    socket.on('close', () => upstreams.delete(socket));
    return socket;
  };

  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', authorized: req.headers['proxy-authorization'] !== undefined });
    if (!admitted(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="egress"', 'content-type': 'text/plain' }).end('proxy authentication required');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute-form request expected');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('socket', track);
    upstream.on('error', () => res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream failed'));
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ method: 'CONNECT', target: req.url ?? '', authorized: req.headers['proxy-authorization'] !== undefined });
    if (!admitted(req.headers)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="egress"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = splitHostPort(req.url ?? '');
    const upstream = track(net.connect({ host, port }, () => {
      tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    }));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  const listening = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    port: listening.port,
    seen,
    tunnels: () => tunnels,
    stop: async () => {
      for (const s of upstreams) s.destroy();
      await listening.close();
    },
  };
}

function splitHostPort(authority: string): [string, number] {
  const at = authority.lastIndexOf(':');
  return [authority.slice(0, at).replace(/^\[|\]$/g, ''), Number(authority.slice(at + 1))];
}
