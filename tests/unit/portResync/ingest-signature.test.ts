import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortIngestWriter } from '../../../functions/portResync/clients/port-ingest';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { SIGNATURE, signatureOf } from '../../../shared/webhook-signature';

describe('PortIngestWriter', () => {
  const seen: Array<{ body: string; signature: string | undefined }> = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ body, signature: req.headers[SIGNATURE.headerName.toLowerCase()] as string | undefined });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/KEY`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => seen.splice(0));

  const entity = { identifier: 'i-1', title: 'i-1', blueprint: 'ec2Instance', properties: {}, relations: {} };

  it('signs every request over the exact bytes sent when the webhook has a secret', async () => {
    const writer = new PortIngestWriter({ webhookUrl: url, signingSecret: 'signing-secret-0123456789', timeoutMs: 2000 });
    await writer.upsert([entity], NO_DEADLINE);
    writer.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signature).toBe(signatureOf(seen[0]!.body, 'signing-secret-0123456789'));
  });

  it('sends no signature header without a secret', async () => {
    const writer = new PortIngestWriter({ webhookUrl: url, timeoutMs: 2000 });
    await writer.upsert([entity], NO_DEADLINE);
    writer.close();
    expect(seen.map((s) => s.signature)).toEqual([undefined]);
  });
});
