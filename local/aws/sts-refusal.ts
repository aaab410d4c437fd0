import http from 'node:http';
import { listenOnLoopback } from '../ports';

/**
 * A fault-injecting STS endpoint in front of moto, on 127.0.0.1: moto hands out credentials for any
 * role (no IAM evaluation), so it can never refuse an AssumeRole. This refuses AssumeRole into the
 * listed accounts the way STS does when a role's trust policy or external id does not admit the
 * caller (HTTP 403, Query-protocol `ErrorResponse`, code `AccessDenied`) and forwards every other
 * request to moto unchanged. Point only STS at it with the standard per-service endpoint variable
 * `AWS_ENDPOINT_URL_STS` (docs/organization.md "Locally").
 */
export interface StsRefusal {
  /** The endpoint URL for AWS_ENDPOINT_URL_STS. */
  url: string;
  /** Account ids whose roles may not be assumed (change it between runs). */
  refused: Set<string>;
  /** AssumeRole calls seen, as `<account> refused|forwarded`. */
  seen: string[];
  stop(): Promise<void>;
}

const refusal = (roleArn: string): string =>
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
  `<Message>User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error>` +
  '<RequestId>00000000-0000-4000-8000-000000000403</RequestId></ErrorResponse>';

export async function startStsRefusal(motoEndpoint: string, refused: Iterable<string> = []): Promise<StsRefusal> {
  const state = { refused: new Set(refused), seen: [] as string[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const roleArn = form.get('Action') === 'AssumeRole' ? (form.get('RoleArn') ?? '') : '';
      const account = roleArn.split(':')[4] ?? '';
      if (roleArn) state.seen.push(`${account} ${state.refused.has(account) ? 'refused' : 'forwarded'}`);
      if (roleArn && state.refused.has(account)) {
        res.writeHead(403, { 'content-type': 'text/xml' }).end(refusal(roleArn));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      fetch(`${motoEndpoint}${req.url ?? '/'}`, { method: req.method, headers, body: body.length > 0 ? body : undefined })
        .then(async (upstream) => {
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch((err: Error) => res.writeHead(502).end(err.message));
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${listening.port}`, refused: state.refused, seen: state.seen, stop: () => listening.close() };
}
