import { ConfigError } from '../../../shared/errors';
import { proxyFor, readProxySettings } from '../../../shared/http/proxy';

const target = (url: string) => new URL(url);

describe('readProxySettings', () => {
  it('reads HTTPS_PROXY / HTTP_PROXY, the lower-case name winning', () => {
    const s = readProxySettings({ HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'http://plain:8080' });
    expect(s.httpsProxy?.host).toBe('lower:3128');
    expect(s.httpProxy?.host).toBe('plain:8080');
  });

  it('takes a proxy without a scheme as http://, and an empty variable as unset', () => {
    const s = readProxySettings({ HTTPS_PROXY: 'proxy.internal:3128', HTTP_PROXY: '  ' });
    expect(s.httpsProxy?.href).toBe('http://proxy.internal:3128/');
    expect(s.httpProxy).toBeUndefined();
  });

  it('fails naming every bad variable, with the password masked', () => {
    const err = (() => {
      try {
        readProxySettings({ https_proxy: 'socks5://alice:s3cr3t@proxy:1080', HTTP_PROXY: 'http://' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.variable)).toEqual(['https_proxy', 'HTTP_PROXY']);
    expect(err.message).toContain('alice:***@');
    expect(err.message).not.toContain('s3cr3t');
  });
});

describe('proxyFor', () => {
  const settings = (noProxy: string) =>
    readProxySettings({ HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128', NO_PROXY: noProxy });

  it('picks the proxy of the target scheme', () => {
    expect(proxyFor(target('https://acme.atlassian.net/rest'), settings(''))?.hostname).toBe('secure-proxy');
    expect(proxyFor(target('http://api.cloudpassage.com/v3'), settings(''))?.hostname).toBe('plain-proxy');
  });

  it('goes direct when no proxy is set for the scheme', () => {
    expect(proxyFor(target('https://x.example'), readProxySettings({ HTTP_PROXY: 'http://p:1' }))).toBeUndefined();
  });

  it.each([
    ['*', 'https://anything.example', true],
    ['atlassian.net', 'https://acme.atlassian.net', true],
    ['atlassian.net', 'https://atlassian.net', true],
    ['.atlassian.net', 'https://acme.atlassian.net', true],
    ['*.atlassian.net', 'https://acme.atlassian.net', true],
    ['atlassian.net', 'https://notatlassian.net', false],
    ['ingest.port.io:443', 'https://ingest.port.io/key', true],
    ['ingest.port.io:8443', 'https://ingest.port.io/key', false],
    ['169.254.169.254', 'http://169.254.169.254/latest', true],
    ['10.0.0.0/8', 'https://10.20.30.40/api', true],
    ['10.0.0.0/8', 'https://11.0.0.1/api', false],
    ['::1', 'http://[::1]:8080/', true],
    ['localhost, 127.0.0.1', 'http://127.0.0.1:9000/', true],
    ['LOCALHOST', 'http://localhost/', true],
  ])('NO_PROXY=%j: %s bypasses the proxy → %s', (noProxy, url, bypass) => {
    expect(proxyFor(target(url), settings(noProxy)) === undefined).toBe(bypass);
  });

  it('reads no_proxy before NO_PROXY', () => {
    const s = readProxySettings({ HTTPS_PROXY: 'http://p:1', no_proxy: 'a.example', NO_PROXY: 'b.example' });
    expect(proxyFor(target('https://a.example'), s)).toBeUndefined();
    expect(proxyFor(target('https://b.example'), s)).toBeDefined();
  });
});
