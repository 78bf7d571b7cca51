import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { VpnClientOptions } from '../../core/index';
import type { ServerEndpoint } from '../firewall/index';

/** A host name's addresses (getaddrinfo); injected so tests need no DNS. */
export type HostResolver = (host: string, family: 4 | 6 | undefined) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export const systemResolver: HostResolver = async (host, family) => {
  const found = await lookup(host, { all: true, family: family ?? 0 });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

export type ResolvedServers = { ok: true; value: ServerEndpoint[] } | { ok: false; error: { code: 'killswitch.failed'; message: string } };

/**
 * Every endpoint the helper may send to, resolved before the block goes up: each remote's
 * addresses with its protocol and port, or the HTTP or SOCKS5 proxy in front of it (TCP to the
 * proxy; a SOCKS5 UDP relay's port is only known once the proxy names it, so the kill switch
 * does not open it yet).
 * A remote that does not resolve is left out; none resolving at all fails (the firewall
 * would leave the client nowhere to go), with the names in the message.
 */
export async function resolveServers(options: Pick<VpnClientOptions, 'remotes' | 'httpProxy' | 'socksProxy'>, resolve: HostResolver = systemResolver): Promise<ResolvedServers> {
  const endpoints = new Map<string, ServerEndpoint>();
  const failed: string[] = [];
  for (const remote of options.remotes) {
    const proxy = remote.socksProxy ?? remote.httpProxy ?? options.socksProxy ?? options.httpProxy;
    const target = proxy ? { host: proxy.host, port: proxy.port, proto: 'tcp' as const, family: undefined } : remote;
    const literal = isIP(target.host);
    let addresses: Array<{ address: string; family: 4 | 6 }>;
    try {
      addresses = literal === 4 || literal === 6 ? [{ address: target.host, family: literal }] : await resolve(target.host, target.family);
    } catch {
      failed.push(target.host);
      continue;
    }
    for (const { address, family } of addresses) {
      const endpoint: ServerEndpoint = { address, family, proto: target.proto, port: target.port };
      endpoints.set(`${address}|${endpoint.proto}|${endpoint.port}`, endpoint);
    }
  }
  if (endpoints.size === 0) {
    return { ok: false, error: { code: 'killswitch.failed', message: `None of the profile's servers could be resolved before the kill switch went up (${failed.join(', ') || 'no remote'}).` } };
  }
  return { ok: true, value: [...endpoints.values()] };
}

/**
 * The system's upstream resolvers (nameserver lines of resolv.conf), minus loopback stubs:
 * root may query these while connecting under the block, so core's own lookups of the
 * remotes keep working. A local stub's upstream queries run as another user and stay blocked.
 */
export async function upstreamResolvers(path = '/etc/resolv.conf'): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const servers = text.split('\n')
    .map((line) => /^\s*nameserver\s+([0-9a-fA-F:.]+)\s*$/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined && isIP(address) !== 0)
    .filter((address) => !address.startsWith('127.') && address !== '::1');
  return [...new Set(servers)].slice(0, 8);
}
