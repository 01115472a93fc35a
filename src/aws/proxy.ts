/**
 * Proxy support from the usual environment variables: HTTPS_PROXY for https endpoints, HTTP_PROXY for
 * http ones (and as a fallback), NO_PROXY to bypass hosts. Decided per request, so one client can reach a
 * proxied AWS endpoint and a local endpoint in NO_PROXY alike.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { Env } from './client.js';

function read(env: Env, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value?.trim() ? value.trim() : undefined;
}

/** NO_PROXY semantics as curl has them: `*`, exact hosts, domain suffixes (`.example.com` or `example.com`), host:port. */
export function bypassesProxy(host: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [entryHost = '', entryPort] = entry.startsWith('[')
      ? [entry.replace(/^\[|\].*$/g, ''), entry.split(']:')[1]]
      : entry.split(':');
    if (entryPort && Number(entryPort) !== port) continue;
    const domain = entryHost.replace(/^\*?\./, '');
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}

class EnvProxyAgent extends Agent {
  private readonly direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private readonly proxies = new Map<string, HttpsProxyAgent<string>>();

  constructor(private readonly env: Env) {
    super({ keepAlive: true });
  }

  override connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent | net.Socket {
    const secure = opts.secureEndpoint;
    const proxy = secure
      ? (read(this.env, 'HTTPS_PROXY') ?? read(this.env, 'HTTP_PROXY'))
      : read(this.env, 'HTTP_PROXY');
    if (!proxy || bypassesProxy(opts.host ?? '', opts.port, read(this.env, 'NO_PROXY'))) {
      return secure ? this.direct.https : this.direct.http;
    }
    let agent = this.proxies.get(proxy);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy, { keepAlive: true });
      this.proxies.set(proxy, agent);
    }
    return agent;
  }
}

/** A request handler routing through the proxy, or undefined (the SDK's default) when none is set. */
export function proxyRequestHandler(env: Env): NodeHttpHandler | undefined {
  if (!read(env, 'HTTPS_PROXY') && !read(env, 'HTTP_PROXY')) return undefined;
  const agent = new EnvProxyAgent(env);
  return new NodeHttpHandler({ httpAgent: agent, httpsAgent: agent });
}
