import http from 'node:http';
import https from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor, type ProxySettings } from './proxy';

/**
 * The keep-alive socket pools of one client, direct or through the egress proxy. axios' own
 * environment proxy is always off (`proxy: false`): it reads process.env on every request, and
 * its tunnel for https targets (https-proxy-agent 5) opens a new CONNECT + TLS handshake per
 * request. An https target behind a proxy goes through a pooled CONNECT tunnel
 * (https-proxy-agent 7, an http.Agent with keepAlive and maxSockets); an http target is sent
 * to the proxy in absolute form (axios' forward-proxy mode), as curl does.
 */
interface Route {
  httpAgent: http.Agent;
  httpsAgent: http.Agent;
  proxy: AxiosProxyConfig | false;
}

export class Connections {
  private readonly http: http.Agent;
  private readonly https: https.Agent;
  private readonly tunnels = new Map<string, HttpsProxyAgent<string>>();

  constructor(
    private readonly maxSockets: number,
    private readonly settings: ProxySettings,
  ) {
    this.http = new http.Agent({ keepAlive: true, maxSockets });
    this.https = new https.Agent({ keepAlive: true, maxSockets });
  }

  route(target: URL): Route {
    const proxy = proxyFor(target, this.settings);
    if (!proxy) return { httpAgent: this.http, httpsAgent: this.https, proxy: false };
    if (target.protocol === 'https:') return { httpAgent: this.http, httpsAgent: this.tunnel(proxy), proxy: false };
    return { httpAgent: this.http, httpsAgent: this.https, proxy: forwardProxy(proxy) };
  }

  /** Frees every pooled socket (CLIs and tests that want to exit promptly). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
    for (const tunnel of this.tunnels.values()) tunnel.destroy();
    this.tunnels.clear();
  }

  private tunnel(proxy: URL): HttpsProxyAgent<string> {
    let agent = this.tunnels.get(proxy.href);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy.href, { keepAlive: true, maxSockets: this.maxSockets });
      this.tunnels.set(proxy.href, agent);
    }
    return agent;
  }
}

function forwardProxy(proxy: URL): AxiosProxyConfig {
  const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const config: AxiosProxyConfig = { protocol: proxy.protocol.replace(/:$/, ''), host: proxy.hostname.replace(/^\[|\]$/g, ''), port };
  if (proxy.username) config.auth = { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  return config;
}
