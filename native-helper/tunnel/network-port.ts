import type { TunnelConfig } from '../../core/index';

/** Where the tunnel's traffic should go, as far as the OS is concerned. */
export interface NetworkRequest {
  tunName: string;
  mtuBytes: number;
  config: TunnelConfig;
  /** The VPN server's address: it keeps a route through the original gateway. */
  serverAddress: string;
  serverFamily: 4 | 6;
  /** The device was just created with mtuBytes and brought up: only addresses, routes and DNS are left. */
  deviceReady?: boolean;
}

/** What was applied, for the `tunnel` event (plain words, no secrets). */
export interface AppliedNetwork {
  routes: string[];
  dnsServers: string[];
  searchDomains: string[];
  redirectGateway: boolean;
  /** Whether the default route now goes through the tunnel, per family. */
  carriesDefault?: { ipv4: boolean; ipv6: boolean };
}

export type NetworkResult = { ok: true; value: AppliedNetwork } | { ok: false; error: { code: string; message: string } };

/**
 * Applies and undoes the OS network configuration of a tunnel (addresses, routes, DNS).
 * The Linux implementation journals every step before making it (native-helper/netconfig).
 */
export interface NetworkPort {
  apply(request: NetworkRequest): Promise<NetworkResult>;
  /** Undoes everything apply did; safe to call more than once. */
  undo(): Promise<void>;
}

/** For a tunnel whose OS side is someone else's business (tests over a MemoryTunDevice). */
export const NO_NETWORK: NetworkPort = {
  apply: async () => ({ ok: true, value: { routes: [], dnsServers: [], searchDomains: [], redirectGateway: false } }),
  undo: async () => {},
};
