import { isIPv4, isIPv6 } from 'node:net';
import type { OptionHandler } from './pushed-network';
import { parseNumber } from './pushed-network';
import type { DnsServerOption } from './tunnel-config-types';

/**
 * DNS options of a push: `dhcp-option TYPE VALUE` (ovpn:options.c, tun.c) and
 * the 2.6 `dns` option (ovpn:dns.c, options.c):
 *
 *   dns search-domains DOMAIN…
 *   dns server N address ADDR[:PORT] | [ADDR6]:PORT | ADDR6 …   (up to 8)
 *   dns server N resolve-domains DOMAIN…
 *   dns server N dnssec yes|optional|no
 *   dns server N transport plain|DoT|DoH
 *   dns server N sni NAME
 */
export const handleDhcpOption: OptionHandler = ([type, value], config) => {
  if (!type || value === undefined) return 'needs TYPE VALUE';
  const dns = config.dns;
  switch (type.toUpperCase()) {
    case 'DNS':
      if (isIPv4(value)) dns.servers.push(value);
      else if (isIPv6(value)) dns.servers6.push(value);
      else return 'bad DNS address';
      return null;
    case 'DNS6':
      if (!isIPv6(value)) return 'bad DNS6 address';
      dns.servers6.push(value);
      return null;
    case 'DOMAIN':
    case 'ADAPTER_DOMAIN_SUFFIX':
      dns.domain = value;
      return null;
    case 'DOMAIN-SEARCH':
      dns.searchDomains.push(value);
      return null;
    default:
      dns.otherDhcpOptions.push({ type: type.toUpperCase(), value });
      return null;
  }
};

export const handleDns: OptionHandler = (params, config) => {
  const [what, ...rest] = params;
  if (what === 'search-domains') {
    if (rest.length === 0) return 'needs domains';
    config.dns.dnsOption.searchDomains.push(...rest);
    return null;
  }
  if (what !== 'server') return `unknown dns sub-option ${what ?? ''}`;
  const [priorityText, key, ...values] = rest;
  const priority = priorityText === undefined ? null : parseNumber(priorityText, -128, 127);
  if (priority === null || !key || values.length === 0) return 'needs server N KEY VALUE';
  return applyServerSetting(serverEntry(config.dns.dnsOption.servers, priority), key, values);
};

function serverEntry(servers: DnsServerOption[], priority: number): DnsServerOption {
  let server = servers.find((s) => s.priority === priority);
  if (!server) {
    server = { priority, addresses: [], resolveDomains: [] };
    servers.push(server);
    servers.sort((a, b) => a.priority - b.priority);
  }
  return server;
}

function applyServerSetting(server: DnsServerOption, key: string, values: string[]): string | null {
  const [first] = values;
  switch (key) {
    case 'address': {
      const addresses = values.map(parseDnsAddress);
      if (addresses.some((a) => a === null)) return 'bad server address';
      server.addresses.push(...(addresses as Array<{ address: string; port?: number }>));
      return null;
    }
    case 'resolve-domains':
      server.resolveDomains.push(...values);
      return null;
    case 'dnssec':
      if (first !== 'yes' && first !== 'optional' && first !== 'no') return 'bad dnssec value';
      server.dnssec = first;
      return null;
    case 'transport':
      if (first !== 'plain' && first !== 'DoT' && first !== 'DoH') return 'bad transport';
      server.transport = first;
      return null;
    case 'sni':
      if (first === undefined) return 'needs a name';
      server.sni = first;
      return null;
    default:
      return `unknown dns server key ${key}`;
  }
}

/** `1.2.3.4`, `1.2.3.4:53`, `fd00::1`, `[fd00::1]:53` (ovpn:dns.c dns_server_addr_parse). */
export function parseDnsAddress(text: string): { address: string; port?: number } | null {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1] !== undefined) {
    if (!isIPv6(bracketed[1])) return null;
    return withPort(bracketed[1], bracketed[2]);
  }
  if (isIPv6(text)) return { address: text };
  const [address = '', port, extra] = text.split(':');
  if (extra !== undefined || !isIPv4(address)) return null;
  return withPort(address, port);
}

function withPort(address: string, portText: string | undefined): { address: string; port?: number } | null {
  if (portText === undefined) return { address };
  const port = parseNumber(portText, 1, 65535);
  return port === null ? null : { address, port };
}
