import { VpnClient, type ConnectedInfo, type PhaseChange, type SessionEnd, type SessionLogLine, type TunnelConfig, type VpnClientOptions } from '../../core/index';
import { printable } from '../api/index';
import type { AppliedTunnel, HelperEvent, Prompt, Statistics, TunnelState } from '../api/index';
import type { TunDevice, TunDeviceOptions } from '../tun/index';
import type { NetworkPort } from './network-port';
import { TrafficMeter } from './traffic-meter';

export interface TunnelControllerOptions {
  sessionId: string;
  profileName: string;
  clientOptions: VpnClientOptions;
  /** tun-mtu from the profile (1500 unless set); a pushed tun-mtu wins. */
  defaultMtuBytes: number;
  openTun(options: TunDeviceOptions): TunDevice;
  network: NetworkPort;
  emit(event: HelperEvent): void;
  statsIntervalMs?: number;
  /** The interface name to ask for; the OS picks one when absent. */
  tunName?: string;
}

/** How a tunnel ended, for the last state event and the CLI's exit code. */
export interface TunnelEnd {
  code: string;
  message: string;
  /** true when the user asked for it (disconnect, Ctrl-C). */
  requested: boolean;
}

/**
 * One VPN session on this machine: the core client, the TUN device, and the OS network
 * configuration, kept consistent. The TUN device and its routes stay up across
 * reconnects (like openvpn's persist-tun) so traffic never falls back to the open
 * network while the client reconnects; they are re-applied only if the server pushes a
 * different configuration.
 */
/** How a tunnel ends: the client's SessionEnd, or a local failure (TUN, routes, DNS) with the helper's own code. */
type TunnelFailure = Omit<SessionEnd, 'code'> & { code: string };

export class TunnelController {
  readonly #client: VpnClient;
  readonly #meter = new TrafficMeter(() => this.connectedAtMs);
  #tun: TunDevice | undefined;
  #appliedFor: string | undefined;
  #state: TunnelState = 'idle';
  #stateSinceMs = performance.now();
  #statsTimer: NodeJS.Timeout | undefined;
  #stopRequested = false;
  #done: Promise<TunnelEnd> | undefined;
  #startedMs = performance.now();
  #tunDrops = 0;
  tunnel: AppliedTunnel | null = null;
  stats: Statistics | null = null;
  connectedAtMs: number | null = null;
  lastError: { code: string; message: string } | null = null;
  /** The question waiting for the owner's answer (never holds an answer). */
  prompt: Prompt | null = null;
  readonly startedAtMs = Date.now();

  constructor(private readonly options: TunnelControllerOptions) {
    this.#client = new VpnClient(options.clientOptions, {
      onPhase: (change) => this.#onPhase(change),
      onConnected: (info) => { void this.#onConnected(info); },
      onPacket: (ip) => { if (!this.#tun?.write(ip)) this.#tunDrops++; },
      onLog: (log) => this.#log(log),
      onStopped: (end) => { this.#finalEnd = end; },
      onPrompt: (prompt) => {
        this.prompt = prompt;
        options.emit({ type: 'prompt', sessionId: options.sessionId, prompt });
      },
      onPromptClosed: (promptId, reason) => {
        if (this.prompt?.id === promptId) this.prompt = null;
        options.emit({ type: 'prompt_closed', sessionId: options.sessionId, promptId, reason });
      },
    });
  }

  get state(): TunnelState {
    return this.#state;
  }

  get client(): VpnClient {
    return this.#client;
  }

  /** Starts connecting; resolves when the tunnel is down for good and the network restored. */
  run(): Promise<TunnelEnd> {
    if (this.#done) return this.#done;
    this.#startedMs = performance.now();
    this.#done = this.#run();
    return this.#done;
  }

  /** Disconnects (telling the server), restores the network, resolves once all is undone. */
  async stop(): Promise<TunnelEnd> {
    this.#stopRequested = true;
    if (this.#state !== 'disconnected') this.#setState('disconnecting');
    await this.#client.stop();
    return this.run();
  }

  async #run(): Promise<TunnelEnd> {
    let end: TunnelFailure | undefined;
    const stopped = new Promise<void>((resolve) => {
      this.#client.start().then(resolve, (error: unknown) => {
        end = { code: 'internal', message: `The VPN client failed: ${(error as Error).message}`, fatal: true };
        resolve();
      });
    });
    await stopped;
    // A local failure stopped the client: that, not the client's "disconnected", is why.
    end ??= this.#failure ?? this.#finalEnd ?? { code: 'unknown', message: 'Stopped.', fatal: true };
    clearInterval(this.#statsTimer);
    await this.#teardown();
    const requested = this.#failure === undefined && (this.#stopRequested || end.code === 'user.disconnect');
    if (!requested) this.lastError = { code: end.code, message: end.message };
    this.#setState('disconnected', requested ? undefined : { code: end.code, message: end.message });
    return { code: requested ? 'user.disconnect' : end.code, message: requested ? 'Disconnected.' : end.message, requested };
  }

  #failure: TunnelFailure | undefined;
  #finalEnd: SessionEnd | undefined;

  #onPhase(change: PhaseChange): void {
    // The client says 'connected' when the server accepted us; we say it once the OS side is ready.
    if (change.phase === 'connected' || change.phase === 'disconnected') return;
    if (change.phase === 'reconnecting') {
      this.#meter.sessionEnded(this.#client.counters);
      // VpnClient puts "<code>: <message>" of the attempt's end in the detail.
      const [code = 'unknown', ...rest] = (change.detail ?? '').split(': ');
      this.#setState('reconnecting', { code, message: rest.join(': ') || 'Reconnecting.' }, change.detail);
      return;
    }
    this.#setState(change.phase, undefined, change.detail);
  }

  async #onConnected(info: ConnectedInfo): Promise<void> {
    const key = configKey(info.config);
    if (this.#tun && this.#appliedFor === key) {
      this.#connected(info);
      return;
    }
    this.#setState('configuring');
    await this.#teardown();
    const mtuBytes = info.config.tunMtuBytes ?? this.options.defaultMtuBytes;
    try {
      this.#tun = this.options.openTun({ name: this.options.tunName, mtuBytes });
    } catch (error) {
      this.#fail('tunnel.tun_failed', `Cannot create the tunnel device: ${(error as Error).message}`);
      return;
    }
    const tun = this.#tun;
    tun.onDidFail((error) => this.#fail('tunnel.tun_failed', `The tunnel device stopped working: ${error.message}`));
    const applied = await this.options.network.apply({ tunName: tun.name, mtuBytes, config: info.config, serverAddress: info.remote.address, serverFamily: info.remote.family, deviceReady: true });
    if (!applied.ok) {
      this.#fail(applied.error.code, applied.error.message);
      return;
    }
    this.#appliedFor = key;
    const client = this.#client;
    tun.onPackets((packets) => { for (const packet of packets) client.sendPacket(packet); });
    this.tunnel = appliedTunnel(info, tun, applied.value);
    this.options.emit({ type: 'tunnel', sessionId: this.options.sessionId, tunnel: this.tunnel });
    this.#connected(info);
  }

  #connected(info: ConnectedInfo): void {
    if (this.tunnel) this.tunnel = { ...this.tunnel, cipher: info.cipher, keyDerivation: info.keyDerivation, tlsVersion: info.tlsVersion };
    this.connectedAtMs ??= Date.now();
    this.#setState('connected');
    clearInterval(this.#statsTimer);
    this.#statsTimer = setInterval(() => this.#sampleStats(), this.options.statsIntervalMs ?? 1000);
    this.#statsTimer.unref();
  }

  #sampleStats(): void {
    const counters = this.#client.counters;
    if (!counters) return;
    const stats = this.#meter.sample(counters, Date.now());
    if (this.#tunDrops > 0) stats.drops['tun.write_dropped'] = this.#tunDrops;
    this.stats = stats;
    this.options.emit({ type: 'stats', sessionId: this.options.sessionId, stats });
  }

  /** A local failure (TUN, routes): the tunnel cannot work, so stop rather than leak. */
  #fail(code: string, message: string): void {
    this.#failure ??= { code, message, fatal: true };
    this.#log({ level: 'error', message });
    void this.#client.stop();
  }

  async #teardown(): Promise<void> {
    this.#appliedFor = undefined;
    const tun = this.#tun;
    this.#tun = undefined;
    // Routes and DNS first: with the device gone the kernel drops its routes anyway,
    // but the host route to the server and DNS are ours to restore.
    await this.options.network.undo();
    tun?.close();
  }

  #setState(state: TunnelState, error?: { code: string; message: string }, detail?: string): void {
    const nowMs = performance.now();
    const previousStateMs = nowMs - this.#stateSinceMs;
    this.#state = state;
    this.#stateSinceMs = nowMs;
    this.options.emit({
      type: 'state', sessionId: this.options.sessionId, profileName: this.options.profileName, state,
      sinceStartMs: Math.round(nowMs - this.#startedMs), previousStateMs: Math.round(previousStateMs),
      ...(detail === undefined ? {} : { detail: detail.slice(0, 2000) }),
      ...(error ? { error } : {}),
    });
  }

  /** Core's lines quote the server (AUTH_FAILED reasons, pushed options): escaped before anyone prints them. */
  #log(log: SessionLogLine): void {
    this.options.emit({ type: 'log', sessionId: this.options.sessionId, line: { atMs: Date.now(), level: log.level, message: printable(log.message.slice(0, 4000)) } });
  }
}

/** What decides whether a reconnect can keep the device and routes as they are. */
function configKey(config: TunnelConfig): string {
  return JSON.stringify([config.ifconfig, config.ifconfigIpv6, config.routes, config.routesIpv6, config.redirectGateway && [...config.redirectGateway.flags],
    config.dns.servers, config.dns.servers6, config.dns.searchDomains, config.dns.domain, config.tunMtuBytes]);
}

function appliedTunnel(info: ConnectedInfo, tun: TunDevice, network: { routes: string[]; dnsServers: string[]; searchDomains: string[]; redirectGateway: boolean }): AppliedTunnel {
  const { config, remote } = info;
  const ipv6 = config.ifconfigIpv6 ? `${config.ifconfigIpv6.address}/${config.ifconfigIpv6.prefixLength}` : undefined;
  return {
    tunName: tun.name,
    mtuBytes: tun.mtuBytes,
    ...(config.ifconfig ? { ipv4: config.ifconfig.local } : {}),
    ...(ipv6 ? { ipv6 } : {}),
    ...network,
    server: { host: remote.host, address: remote.address, port: remote.port, proto: remote.proto },
    cipher: info.cipher,
    keyDerivation: info.keyDerivation,
    tlsVersion: info.tlsVersion,
  };
}
