import crypto from 'node:crypto';
import type { WebhookSecurity } from './webhooks';

/**
 * What Port does with a webhook's `security` settings (docs/port.md "Signed requests"): once a
 * `secret` is set, the header `signatureHeaderName` must hold `signaturePrefix` + the digest of the
 * raw body with `signatureAlgorithm` (sha1/sha256: HMAC keyed with the secret, hex; plain: the
 * secret itself). Anything else is refused.
 */
export type SignatureVerdict = { ok: true } | { ok: false; message: string };

export function verifySignature(security: WebhookSecurity | undefined, raw: Buffer, headers: Record<string, string>): SignatureVerdict {
  const secret = security?.secret;
  if (!secret) return { ok: true };
  const headerName = (security.signatureHeaderName ?? '').toLowerCase();
  if (!headerName) return { ok: false, message: 'the webhook has a secret but no signatureHeaderName' };
  const sent = headers[headerName];
  if (!sent) return { ok: false, message: `missing signature header ${security.signatureHeaderName}` };
  const prefix = security.signaturePrefix ?? '';
  const algorithm = security.signatureAlgorithm ?? 'sha256';
  const expected = prefix + (algorithm === 'plain' ? secret : crypto.createHmac(algorithm, secret).update(raw).digest('hex'));
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b) ? { ok: true } : { ok: false, message: 'signature does not match the request body' };
}
