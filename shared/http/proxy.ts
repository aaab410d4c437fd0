import { BlockList, isIP } from 'node:net';
import { EnvReader, type Env } from '../config/env';

/**
 * Egress proxy settings, as curl and most HTTP tools read them: `https_proxy` / `HTTPS_PROXY` for
 * https:// targets, `http_proxy` / `HTTP_PROXY` for http:// targets (the lower-case name wins, as in
 * proxy-from-env, which axios uses), and `no_proxy` / `NO_PROXY` for the hosts reached directly.
 */
export interface ProxySettings {
  httpsProxy?: URL;
  httpProxy?: URL;
  noProxy: NoProxy;
}

/** NO_PROXY entries: `*`, host names (the host and its sub-domains), `host:port`, IP literals and CIDR ranges. */
interface NoProxy {
  all: boolean;
  domains: ReadonlyArray<{ domain: string; port?: number }>;
  ranges: BlockList;
}

/** Every request direct, whatever the environment says. */
export const DIRECT: ProxySettings = { noProxy: { all: true, domains: [], ranges: new BlockList() } };

const PROXY_FORM = 'an http:// or https:// proxy URL such as http://proxy.internal:3128 (socks is not supported)';

/** The schema of the proxy variables: a bad value fails with a ConfigError naming the variable. */
export function readProxySettings(env: Env): ProxySettings {
  const reader = new EnvReader(env);
  const proxyUrl = (lower: string): URL | undefined => {
    const name = reader.raw(lower) !== undefined ? lower : lower.toUpperCase();
    const raw = reader.raw(name);
    if (raw === undefined) return undefined;
    const url = parseProxyUrl(raw);
    if (!url) reader.fail(name, maskCredentials(raw), PROXY_FORM);
    return url;
  };
  const settings: ProxySettings = {
    httpsProxy: proxyUrl('https_proxy'),
    httpProxy: proxyUrl('http_proxy'),
    noProxy: parseNoProxy(reader.raw('no_proxy') ?? reader.raw('NO_PROXY') ?? ''),
  };
  reader.done();
  return settings;
}

let fromEnvironment: ProxySettings | undefined;

/** The settings of this process's environment, read once (the one place that reads the proxy variables). */
export function environmentProxy(): ProxySettings {
  fromEnvironment ??= readProxySettings(process.env);
  return fromEnvironment;
}

/** The proxy a request to `target` goes through, or undefined for a direct connection. */
export function proxyFor(target: URL, settings: ProxySettings): URL | undefined {
  const proxy = target.protocol === 'https:' ? settings.httpsProxy : target.protocol === 'http:' ? settings.httpProxy : undefined;
  if (!proxy || bypasses(target, settings.noProxy)) return undefined;
  return proxy;
}

function bypasses(target: URL, noProxy: NoProxy): boolean {
  if (noProxy.all) return true;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const family = isIP(host);
  if (family !== 0 && noProxy.ranges.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
  return noProxy.domains.some((d) => (d.port === undefined || d.port === port) && (host === d.domain || host.endsWith(`.${d.domain}`)));
}

function parseNoProxy(raw: string): NoProxy {
  const noProxy = { all: false, domains: [] as Array<{ domain: string; port?: number }>, ranges: new BlockList() };
  for (const entry of raw.toLowerCase().split(/[\s,]+/).filter(Boolean)) {
    if (entry === '*') noProxy.all = true;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const address = cidr?.[1] ?? entry.replace(/^\[|\]$/g, '');
    const family = isIP(address);
    if (cidr && family !== 0) {
      noProxy.ranges.addSubnet(address, Number(cidr[2]), family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    if (family !== 0) {
      noProxy.ranges.addAddress(entry.replace(/^\[|\]$/g, ''), family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    // `host:port`, `[v6]:port`, `.example.com`, `*.example.com`
    const withPort = /^(.*):(\d+)$/.exec(entry);
    const host = (withPort?.[1] ?? entry).replace(/^\[|\]$/g, '').replace(/^\*?\.?/, '');
    if (host === '') continue;
    noProxy.domains.push(withPort ? { domain: host, port: Number(withPort[2]) } : { domain: host });
  }
  return noProxy;
}

function parseProxyUrl(raw: string): URL | undefined {
  try {
    // `proxy.internal:3128` without a scheme means an http:// proxy, as curl reads it.
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A proxy URL as it may appear in an error: the password never does. */
function maskCredentials(raw: string): string {
  return raw.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}
