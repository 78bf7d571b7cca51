import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RemoteEndpoint } from '../../core/index';
import type { AppliedTunnel, HelperEvent, KillSwitchState, MethodParams } from '../api/index';
import { Firewall, KillSwitchSettingsStore, DEFAULT_SETTINGS, type FirewallInput, type KillSwitchSettings, type ServerEndpoint, type TunnelPhase } from '../firewall/index';
import type { ServerLog } from '../ipc/server-log';
import type { BackendResult } from './tunnel-backend';

/**
 * The machine-wide kill switch, driven by the life of the helper's tunnels: it owns what the
 * firewall is told (native-helper/firewall plans and loads it) and follows the tunnel's
 * state events, so the TunnelController's phase stays the one source of truth.
 *
 *   connect asked        → resolve the profile's remotes, then `connecting` (only they pass)
 *   tunnel configured    → `connected` (through the TUN device; DNS/IPv6 guards)
 *   reconnecting         → `reconnecting`, the TUN device kept (persist-tun)
 *   disconnected, asked  → auto: table removed; always: blocked with no tunnel
 *   disconnected, failed → still blocking until the user disconnects on purpose
 *
 * Rules live in the kernel: a helper killed mid-tunnel leaves them blocking, and a new one
 * (start()) keeps blocking in auto until the user disconnects or connects again.
 */
export class KillSwitch {
  #settings: KillSwitchSettings = DEFAULT_SETTINGS;
  #state: TunnelPhase = 'no_tunnel';
  #servers: ServerEndpoint[] = [];
  #tunnel: AppliedTunnel | undefined;
  #blocking = false;
  /** Whether our table may be in the kernel (then `off` must remove it). */
  #tablePresent = true;

  constructor(
    private readonly firewall: Firewall = new Firewall(),
    private readonly store: KillSwitchSettingsStore = new KillSwitchSettingsStore(),
    private readonly log: ServerLog = () => {},
  ) {}

  /** At helper start: the saved setting, and whatever a dead helper left in the kernel. */
  async start(): Promise<void> {
    const loaded = await this.store.read();
    if (loaded.ok) this.#settings = loaded.value.settings;
    else this.log('warn', `kill switch settings not read (${loaded.error.message}); using off`);
    const left = await this.firewall.current();
    this.#tablePresent = !left.ok || left.value !== undefined;
    // A table left behind in auto means a tunnel that was never disconnected on purpose.
    if (left.ok && left.value !== undefined && this.#settings.mode === 'auto') this.#state = 'reconnecting';
    await this.#apply();
  }

  state(): KillSwitchState {
    return { ...this.#settings, blocking: this.#blocking };
  }

  async change(change: MethodParams<'killswitch.set'>): Promise<BackendResult<KillSwitchState>> {
    const next = { ...this.#settings, ...change };
    const saved = await this.store.write(next);
    if (!saved.ok) return { ok: false, error: { code: 'killswitch.failed', message: saved.error.message } };
    this.#settings = next;
    const applied = await this.#apply();
    return applied.ok ? { ok: true, value: this.state() } : applied;
  }

  /**
   * Before a tunnel's first packet: the profile's remotes resolved (the helper's own traffic
   * must pass the block), then `connecting`. An error here stops the connect: a tunnel the
   * kill switch cannot protect does not start.
   */
  async tunnelStarting(remotes: readonly RemoteEndpoint[]): Promise<BackendResult<void>> {
    this.#servers = await resolveServers(remotes);
    this.#tunnel = undefined;
    this.#state = 'connecting';
    return this.#apply();
  }

  /** After a requested disconnect with no tunnel running: the user lifts a block a failed tunnel left. */
  async disconnectedOnPurpose(): Promise<boolean> {
    if (this.#state === 'no_tunnel') return false;
    this.#state = 'no_tunnel';
    this.#tunnel = undefined;
    await this.#apply();
    return true;
  }

  /** The tunnel's events, as the helper emits them. */
  onEvent(event: HelperEvent): void {
    if (event.type === 'tunnel') {
      this.#tunnel = event.tunnel;
      return;
    }
    if (event.type !== 'state') return;
    const next = phaseFor(event.state, event.error === undefined);
    if (next === undefined || next === this.#state) return;
    this.#state = next;
    if (next === 'no_tunnel') this.#tunnel = undefined;
    void this.#apply();
  }

  async #apply(): Promise<BackendResult<void>> {
    // Off: no table of ours at all. (The DNS and IPv6 guards run with the kill switch on; on
    // their own, with it off, they are planned by the firewall module but not wired in yet.)
    if (this.#settings.mode === 'off') return this.#tablePresent ? this.#remove() : { ok: true, value: undefined };
    const tunnel = this.#tunnel;
    const input: FirewallInput = {
      mode: this.#settings.mode,
      state: this.#state,
      ...(tunnel && this.#state !== 'connecting' ? { tunnelInterface: tunnel.tunName } : {}),
      servers: this.#servers,
      tunnelDns: tunnel?.dnsServers.filter((server) => isIP(server) !== 0) ?? [],
      tunnelCarriesDefault: { ipv4: Boolean(tunnel?.redirectGateway), ipv6: Boolean(tunnel?.redirectGateway && tunnel.ipv6) },
      allowLan: this.#settings.allowLan,
      dnsLeakProtection: this.#settings.dnsLeakProtection,
    };
    const applied = await this.firewall.apply(input);
    if (!applied.ok) {
      this.log('error', `kill switch: ${applied.error.message}`);
      return { ok: false, error: { code: 'killswitch.failed', message: `The kill switch could not be applied: ${applied.error.message}` } };
    }
    this.#blocking = applied.value.blocking;
    this.#tablePresent = true;
    return { ok: true, value: undefined };
  }

  async #remove(): Promise<BackendResult<void>> {
    const removed = await this.firewall.remove();
    this.#blocking = false;
    if (removed.ok) this.#tablePresent = false;
    return removed.ok ? { ok: true, value: undefined } : { ok: false, error: { code: 'killswitch.failed', message: removed.error.message } };
  }
}

/** The firewall's view of a tunnel state event; undefined for states that change nothing. */
function phaseFor(state: string, requested: boolean): TunnelPhase | undefined {
  switch (state) {
    case 'connected': return 'connected';
    case 'reconnecting': return 'reconnecting';
    // A tunnel that failed stays blocked until the user disconnects on purpose.
    case 'disconnected': return requested ? 'no_tunnel' : 'reconnecting';
    default: return undefined;
  }
}

/** Every address of every remote, resolved now (before a block could stop the lookup). */
async function resolveServers(remotes: readonly RemoteEndpoint[]): Promise<ServerEndpoint[]> {
  const servers: ServerEndpoint[] = [];
  for (const remote of remotes) {
    const literal = isIP(remote.host);
    const addresses = literal !== 0
      ? [{ address: remote.host, family: literal }]
      : await lookup(remote.host, { all: true }).catch(() => []);
    for (const { address, family } of addresses) {
      if (family !== 4 && family !== 6) continue;
      if (remote.family !== undefined && remote.family !== family) continue;
      servers.push({ address, family, proto: remote.proto, port: remote.port });
    }
  }
  return servers.slice(0, 256);
}
