import { isIPv4, isIPv6 } from 'node:net';
import * as z from 'zod';

/** The machine-wide kill-switch setting. */
export type KillSwitchMode = 'off' | 'auto' | 'always';

/**
 * Where the tunnel is, as the firewall needs to know it. `no_tunnel` in `auto` means "the
 * user disconnected on purpose": a tunnel that failed or gave up is still `reconnecting`
 * (or `connecting`) here until the user says disconnect, so the block stays up.
 */
export type TunnelPhase = 'no_tunnel' | 'connecting' | 'connected' | 'reconnecting';

/** One resolved remote of the profile (or the HTTP proxy in front of it): the helper's own traffic. */
export interface ServerEndpoint {
  address: string;
  family: 4 | 6;
  proto: 'udp' | 'tcp';
  port: number;
}

export interface FirewallInput {
  mode: KillSwitchMode;
  state: TunnelPhase;
  /** The TUN device's name once it exists (it is kept across reconnects). */
  tunnelInterface?: string | undefined;
  /** Every resolved address of every remote the helper may try. */
  servers: readonly ServerEndpoint[];
  /** DNS servers the tunnel pushed (dhcp-option DNS), both families. */
  tunnelDns: readonly string[];
  /** Whether the tunnel's routes take the default route, per family (redirect-gateway / ::/0). */
  tunnelCarriesDefault: { ipv4: boolean; ipv6: boolean };
  allowLan: boolean;
  dnsLeakProtection: boolean;
  /**
   * DNS servers root may query (udp/tcp 53) while connecting or reconnecting under a block,
   * so the helper can re-resolve the remotes: the system's upstream resolvers, queried by
   * the helper itself (not through a local stub, whose upstream queries run as another user).
   */
  bootstrapDns?: readonly string[] | undefined;
}

/** Limits: a profile has at most a few dozen remotes, each with a handful of addresses. */
export const MAX_SERVERS = 256;
export const MAX_DNS_SERVERS = 32;

/**
 * Only digits, hex letters, ':' and '.': an address is written into the nft script as is,
 * and pushed DNS servers come from the VPN server, so nothing else may ever get through.
 * (`isIPv6` alone would accept a zone id such as `fe80::1%eth0`.)
 */
const ADDRESS_CHARACTERS = /^[0-9a-fA-F:.]+$/;
const ipv4 = z.string().regex(ADDRESS_CHARACTERS).refine(isIPv4, 'not an IPv4 address');
const ipAddress = z.string().regex(ADDRESS_CHARACTERS).refine((value) => isIPv4(value) || isIPv6(value), 'not an IP address');

/** Linux allows up to 15 bytes; we allow the sane subset, written into the script quoted. */
export const INTERFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

const serverEndpointSchema = z.strictObject({
  address: ipAddress,
  family: z.union([z.literal(4), z.literal(6)]),
  proto: z.enum(['udp', 'tcp']),
  port: z.number().int().min(1).max(65_535),
}).refine((endpoint) => (endpoint.family === 4) === isIPv4(endpoint.address), 'address does not match family');

export const killSwitchModeSchema = z.enum(['off', 'auto', 'always']);

export const firewallInputSchema = z.strictObject({
  mode: killSwitchModeSchema,
  state: z.enum(['no_tunnel', 'connecting', 'connected', 'reconnecting']),
  tunnelInterface: z.string().regex(INTERFACE_NAME).optional(),
  servers: z.array(serverEndpointSchema).max(MAX_SERVERS),
  tunnelDns: z.array(ipAddress).max(MAX_DNS_SERVERS),
  tunnelCarriesDefault: z.strictObject({ ipv4: z.boolean(), ipv6: z.boolean() }),
  allowLan: z.boolean(),
  dnsLeakProtection: z.boolean(),
  bootstrapDns: z.array(ipAddress).max(MAX_DNS_SERVERS).optional(),
});

export function isV4(address: string): boolean {
  return ipv4.safeParse(address).success;
}
