import { createHmac } from 'node:crypto';

/**
 * How the forwarder signs each request so Port can verify it (webhook `security`, docs/port.md
 * "Signed requests"): HMAC-SHA256 over the exact body bytes sent, hex-encoded, with a prefix —
 * the GitHub-style scheme Port's webhook documentation configures as its example.
 */
export const SIGNATURE = {
  headerName: 'X-Hub-Signature-256',
  algorithm: 'sha256',
  prefix: 'sha256=',
} as const;

export function signatureOf(body: Buffer | string, secret: string): string {
  return `${SIGNATURE.prefix}${createHmac(SIGNATURE.algorithm, secret).update(body).digest('hex')}`;
}

/** The webhook `security` block the installer sends to Port for this scheme. */
export function webhookSecurity(secret: string, requestIdentifierPath = '.body.id') {
  return {
    secret,
    signatureHeaderName: SIGNATURE.headerName,
    signatureAlgorithm: SIGNATURE.algorithm,
    signaturePrefix: SIGNATURE.prefix,
    requestIdentifierPath,
  };
}
