import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/**
 * The smallest HTTP/1.1 transport the clients need, on node:http(s) with keep-alive sockets.
 * (An HTTP library would cost ~150 KB of bundle and ~25 ms of cold start — measured in
 * bench/forwarder.ts — for features we do not use.) Never throws for an HTTP status; throws an
 * Error with a `code` (ECONNRESET, ETIMEDOUT, …) for transport failures.
 */
export interface RawRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  data: unknown;
}

export class Transport {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(maxSockets: number) {
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    };
  }

  send(req: RawRequest): Promise<RawResponse> {
    const secure = req.url.protocol === 'https:';
    const lib = secure ? https : http;
    const headers = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    return new Promise((resolve, reject) => {
      const out = lib.request(req.url, { method: req.method, headers, agent: secure ? this.agents.https : this.agents.http }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const body = decode(Buffer.concat(chunks), res.headers['content-encoding']);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, data: parse(body) });
          } catch (err) {
            reject(Object.assign(err as Error, { code: (err as { code?: string }).code ?? 'EBADRESPONSE' }));
          }
        });
      });
      out.setTimeout(req.timeoutMs, () => out.destroy(Object.assign(new Error(`no response within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      out.on('error', reject);
      out.end(req.body);
    });
  }

  /** Free the keep-alive sockets (CLIs and tests that want to exit promptly). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function decode(body: Buffer, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'gzip':
      return zlib.gunzipSync(body).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(body).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(body).toString('utf8');
    default:
      return body.toString('utf8');
  }
}

function parse(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
