/**
 * How a URL may appear in errors, logs and console output: origin and path only. Credentials,
 * query and fragment (where tokens travel) never appear. With `secretPath`, every path segment of
 * 8+ characters is masked too, for URLs whose path is the secret: a Port webhook URL is
 * `https://ingest.port.io/<webhook key>`.
 */
export function redactUrl(url: string, opts: { secretPath?: boolean } = {}): string {
  let u: URL;
  try {
    u = new URL(url, 'http://relative.invalid');
  } catch {
    return '<redacted url>';
  }
  const path = opts.secretPath
    ? u.pathname
        .split('/')
        .map((seg) => (seg.length >= 8 ? `${seg.slice(0, 2)}…(redacted)` : seg))
        .join('/')
    : u.pathname;
  return u.host === 'relative.invalid' ? path : `${u.protocol}//${u.host}${path}`;
}

/** `https://ingest.port.io/AbCdEf123456` → `https://ingest.port.io/Ab…(redacted)`: the key never reaches a log. */
export const redactSecretUrl = (url: string): string => redactUrl(url, { secretPath: true });
