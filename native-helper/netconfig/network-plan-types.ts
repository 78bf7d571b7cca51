import type { TunnelConfig } from '../../core/index';

/**
 * The path to a destination as the kernel saw it before the tunnel (`ip -j route get`),
 * plus what restoring a replaced default route and `block-local` need.
 */
export interface OriginalGateway {
  /** Absent when the destination is on-link (no router in between). */
  via?: string;
  dev: string;
  /** The default route's own metric and protocol, so `redirect-gateway` without def1 can put it back as it was. */
  metric?: number;
  protocol?: string;
  /** The uplink address's subnet (`block-local` routes it into the tunnel). */
  localSubnet?: { network: string; prefixLength: number };
}

export interface PlanInput {
  tunName: string;
  config: TunnelConfig;
  /** The VPN server's address as connected (an IP address, never a name). */
  serverAddress: string;
  serverFamily: 4 | 6;
  /** The way to serverAddress (IPv4 server) or to the IPv4 internet before the tunnel. */
  originalGateway4?: OriginalGateway;
  originalGateway6?: OriginalGateway;
  mtuBytes: number;
  /**
   * The device's MTU before; when given, undo restores it. The helper's own TUN device
   * vanishes when closed, so production leaves this out; tests on persistent devices set it.
   */
  originalMtuBytes?: number;
  /**
   * The device was just created with mtuBytes and is up (the helper's TUN addon does both
   * through ioctls): no `ip link` step is needed, which saves two process spawns per connect.
   */
  deviceReady?: boolean;
}

/** One `ip` command and the command that takes it back (argv without the leading `ip`). */
export interface NetworkStep {
  description: string;
  apply: string[];
  /** null: nothing to undo (the kernel drops it with the device, or it changes nothing lasting). */
  undo: string[] | null;
  /**
   * A route that already exists ("File exists") is left alone and not undone, as 2.6 does
   * with RTA_EEXIST; every other failure aborts the plan.
   */
  tolerateExisting?: boolean;
}

/** `resolvectl` settings for one link (systemd-resolved). */
export interface ResolvedDnsPlan {
  /** `ADDRESS`, `ADDRESS:PORT`, `[V6]:PORT`, with `#SNI` for DNS over TLS. */
  servers: string[];
  /** Search domains as they are, routing-only domains with `~`, `~.` for "every name". */
  domains: string[];
  defaultRoute: boolean;
  dnssec?: 'yes' | 'allow-downgrade' | 'no';
  dnsOverTls?: boolean;
}

/** What a plain resolv.conf can express: port 53, no DNSSEC, no DoT/DoH. */
export interface ResolvConfDnsPlan {
  nameservers: string[];
  search: string[];
}

export interface DnsPlan {
  /** The 2.6 `dns` option wins over dhcp-option DNS when it names servers (as 2.x does). */
  source: 'dns-option' | 'dhcp-option';
  /** Absent when no pushed server suits the backend. */
  resolved?: ResolvedDnsPlan;
  resolvConf?: ResolvConfDnsPlan;
}

export interface NetworkPlan {
  tunName: string;
  steps: NetworkStep[];
  dns?: DnsPlan;
  /** Pushed settings skipped, each with the reason (2.6 logs these and goes on). */
  warnings: string[];
  /** True when IPv4 resp. IPv6 traffic without a more specific route now enters the tunnel. */
  redirectsDefault4: boolean;
  redirectsDefault6: boolean;
}

/** What the journal remembers to take back, in the order things were done. */
export type UndoAction =
  | { kind: 'ip'; argv: string[] }
  | { kind: 'resolvectl'; argv: string[] }
  /** backupPath null: the file did not exist, so undo removes it. */
  | { kind: 'restore-file'; path: string; backupPath: string | null };
