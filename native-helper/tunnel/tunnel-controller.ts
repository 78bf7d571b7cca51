import { VpnClient, type ClientPhaseChange, type ConnectedInfo, type Counters, type Renegotiation, type SessionEnd, type SessionLogLine, type TunnelConfig, type VpnClientOptions } from '../../core/index';
import { printable } from '../api/index';
import type { AppliedTunnel, HelperEvent, SessionStatus, Statistics } from '../api/index';
import type { TunDevice, TunDeviceOptions } from '../tun/index';
import type { ClientFactory, ClientPort } from './client-port';
import type { AppliedNetwork, NetworkPort } from './network-port';
import { isEnding, reconnectOf, tunnelState, USER_DISCONNECT, type Reason, type ReconnectCause, type TunnelPhase } from './tunnel-phase';
import { TrafficMeter } from './traffic-meter';
import { TunnelStory } from './tunnel-story';
import type { PathWatch, PathWatchFactory } from './path-watch-port';
import type { SleepWatch, SleepWatchFactory } from './sleep-watch-port';
import type { AttachedDataPlane, DataPlaneAttacher } from '../dataplane/native-data-plane';

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
  /** core's VpnClient unless a test gives a stand-in (client-port.ts). */
  createClient?: ClientFactory;
  /**
   * Runs before the client sends its first packet (the kill switch goes up here). A failure
   * ends the tunnel with its reason before anything is sent: fail closed.
   */
  prepare?: () => Promise<{ ok: true } | { ok: false; error: Reason }>;
  /** Every phase change, after its state event (the kill switch derives the firewall from it). */
  onDidChangePhase?: (phase: TunnelPhase) => void;
  /**
   * The device, routes and DNS are in place and "connected" is next (after a reconnect too):
   * resolves once the firewall lets the tunnel through, so nobody who hears "connected" finds
   * the tunnel still blocked. The firewall's "connected" table is applied here, and only here.
   */
  tunnelReady?: (tunnel: AppliedTunnel) => Promise<void>;
  /**
   * Watches the path to the server once connected (native-helper/netwatch); a change is
   * passed to the client at once (UDP: new source and a probe; TCP: reconnect) instead of
   * waiting for ping-restart. Absent: changes are noticed by keepalive alone.
   */
  watchPath?: PathWatchFactory;
  /**
   * Notices a suspend for the whole life of the tunnel (native-helper/power): after a wake the
   * client probes or reconnects at once (VpnClient.woke). Absent: a wake waits for ping-restart.
   */
  watchSleep?: SleepWatchFactory;
  /**
   * Moves the connected session's data path onto a native thread (native-helper/dataplane)
   * when the session qualifies; absent, or when it says why not, core's path carries it.
   */
  attachDataPlane?: DataPlaneAttacher;
}

/** How a tunnel ended, for the last state event and the CLI's exit code. */
export interface TunnelEnd extends Reason {
  /** true when the user asked for it (disconnect, Ctrl-C). */
  requested: boolean;
}

/** What status() shows of this tunnel; the service adds who started it and its name. */
export type TunnelStatus = Pick<SessionStatus, 'state' | 'startedAtMs' | 'connectedAtMs' | 'tunnel' | 'stats' | 'prompt' | 'lastError' | 'story'>;

const STARTING: Reason = { code: 'tunnel.starting', message: 'Starting.' };
/** A stats tick this much late means the helper did not run meanwhile (see #sampleStats). */
const STALLED_MS = 5_000;

/**
 * The one supervisor of a tunnel on this machine: the core client, the TUN device and the
 * OS network configuration, kept consistent, with where it stands as one closed
 * TunnelPhase. The TUN device and its routes stay up across reconnects (persist-tun) so
 * traffic never falls back to the open network while the client reconnects; they are
 * re-applied only if the server pushes a different configuration. A local failure (TUN,
 * routes) stops the client rather than leak.
 */
export class TunnelController {
  readonly #client: ClientPort;
  readonly #meter = new TrafficMeter(() => this.#connectedAtMs);
  readonly #startedAtMs = Date.now();
  /** Phases, reconnects and renegotiations, for a client that subscribes while the tunnel is up. */
  readonly #story = new TunnelStory();
  #phase: TunnelPhase = { kind: 'idle', reason: STARTING };
  #phaseSinceMs = performance.now();
  #startedMs = performance.now();
  #done: Promise<TunnelEnd> | undefined;
  #tun: TunDevice | undefined;
  #appliedFor: string | undefined;
  #tunnel: AppliedTunnel | null = null;
  #stats: Statistics | null = null;
  #connectedAtMs: number | null = null;
  #lastError: Reason | null = null;
  #statsTimer: NodeJS.Timeout | undefined;
  /** When the last stats tick ran, or the timer started (performance.now()). */
  /** When the stats timer last fired (or started): how late a tick is tells a stalled process. */
  #lastSampleMs = 0;
  #tunDrops = 0;
  #pathWatch: PathWatch | undefined;
  #sleepWatch: SleepWatch | undefined;
  #plane: AttachedDataPlane | undefined;

  constructor(private readonly options: TunnelControllerOptions) {
    const createClient: ClientFactory = options.createClient ?? ((clientOptions, hooks) => new VpnClient(clientOptions, hooks));
    this.#client = createClient(options.clientOptions, {
      onPhase: (change) => this.#onPhase(change),
      onConnected: (info) => { void this.#onConnected(info); },
      onPacket: (ip) => { if (!this.#tun?.write(ip)) this.#tunDrops++; },
      onLog: (log) => this.#log(log),
      onStopped: (end) => this.#onStopped(end),
      onPrompt: (prompt) => options.emit({ type: 'prompt', sessionId: options.sessionId, prompt }),
      onPromptClosed: (promptId, reason) => options.emit({ type: 'prompt_closed', sessionId: options.sessionId, promptId, reason }),
      onRenegotiated: (renegotiation) => this.#renegotiated(renegotiation),
      onDataKeysChanged: () => this.#plane?.refreshKeys(),
    });
  }

  get phase(): TunnelPhase {
    return this.#phase;
  }

  status(): TunnelStatus {
    return {
      state: tunnelState(this.#phase),
      startedAtMs: this.#startedAtMs,
      connectedAtMs: this.#connectedAtMs,
      tunnel: this.#tunnel,
      stats: this.#stats,
      // Core's prompt box holds the open question; nobody here keeps a copy.
      prompt: isEnding(this.#phase) ? null : this.#client.openPrompt ?? null,
      lastError: this.#lastError,
      story: this.#story.snapshot(),
    };
  }

  answerPrompt: ClientPort['answerPrompt'] = (promptId, answer) => this.#client.answerPrompt(promptId, answer);
  cancelPrompt: ClientPort['cancelPrompt'] = (promptId) => this.#client.cancelPrompt(promptId);

  /** Starts connecting; resolves when the tunnel is down for good and the network restored. */
  run(): Promise<TunnelEnd> {
    this.#startedMs = performance.now();
    this.#done ??= this.#run();
    return this.#done;
  }

  /**
   * Disconnects (telling the server), restores the network, resolves once all is undone.
   * Only the user's own disconnect is `requested`: the kill switch lifts for that alone.
   */
  async stop(reason: Reason = USER_DISCONNECT): Promise<TunnelEnd> {
    if (!isEnding(this.#phase)) this.#enter({ kind: 'disconnecting', reason, requested: reason === USER_DISCONNECT });
    await this.#client.stop();
    return this.run();
  }

  /** The app heard the machine resume (Electron powerMonitor): look at the clocks now. */
  powerResumed(): void {
    this.#sleepWatch?.check();
  }

  async #run(): Promise<TunnelEnd> {
    this.#sleepWatch = this.options.watchSleep?.((sleptMs) => this.#woke(sleptMs));
    this.#sleepWatch?.start();
    const prepared = await (this.options.prepare?.() ?? Promise.resolve({ ok: true as const }));
    if (!prepared.ok) {
      this.#log({ level: 'error', message: prepared.error.message });
      this.#endBecause(prepared.error, false);
    }
    if (!isEnding(this.#phase)) {
      try {
        await this.#client.start();
      } catch (error) {
        this.#endBecause({ code: 'internal', message: `The VPN client failed: ${(error as Error).message}` }, false);
      }
    }
    // The client resolves start() after onStopped; a client that ends without saying why still ends here.
    this.#endBecause({ code: 'unknown', message: 'Stopped.' }, false);
    const { reason, requested } = this.#phase as Extract<TunnelPhase, { kind: 'disconnecting' }>;
    clearInterval(this.#statsTimer);
    this.#pathWatch?.close();
    this.#sleepWatch?.stop();
    this.#stopPlane();
    await this.#teardown();
    this.#enter({ kind: 'disconnected', reason, requested });
    return { ...reason, requested };
  }

  #onPhase(change: ClientPhaseChange): void {
    // The client says 'connected' when the server accepted us; we say it once the OS side is ready.
    if (isEnding(this.#phase) || change.phase === 'connected' || change.phase === 'disconnected') return;
    const reconnect = reconnectOf(this.#phase);
    if (change.phase === 'reconnecting') {
      this.#meter.sessionEnded(this.#counters());
      this.#stopPlane();
      const reason = reasonOf(change);
      this.#enter({ kind: 'reconnecting', reason, reconnect: reconnect ?? { reason, startedMs: performance.now() } }, change.detail);
      return;
    }
    this.#enter({ kind: 'negotiating', step: change.phase, reason: { code: 'tunnel.progress', message: change.detail ?? change.phase }, ...(reconnect ? { reconnect } : {}) }, change.detail);
  }

  #onStopped(end: SessionEnd): void {
    this.#endBecause({ code: end.code, message: end.message, ...(end.data ? { data: end.data } : {}) }, end.code === USER_DISCONNECT.code);
  }

  /** The first reason to end wins: a local failure, the user's disconnect, or the client's own end. */
  #endBecause(reason: Reason, requested: boolean): void {
    if (!isEnding(this.#phase)) this.#enter({ kind: 'disconnecting', reason, requested });
  }

  async #onConnected(info: ConnectedInfo): Promise<void> {
    if (isEnding(this.#phase)) return;
    const key = configKey(info.config);
    if (this.#tun && this.#tunnel && this.#appliedFor === key) {
      // A reconnect that keeps the device and routes: the firewall still goes back to "connected" first.
      await Promise.all([this.options.tunnelReady?.(this.#tunnel), this.#watchPath(info)]);
      if (isEnding(this.#phase)) return;
      this.#startPlane(this.#tun);
      this.#connected(info);
      return;
    }
    const reconnect = reconnectOf(this.#phase);
    this.#enter({ kind: 'configuring', reason: { code: 'tunnel.configuring', message: 'Setting up the tunnel device, routes and DNS.' }, ...(reconnect ? { reconnect } : {}) });
    await this.#teardown();
    const mtuBytes = info.config.tunMtuBytes ?? this.options.defaultMtuBytes;
    try {
      this.#tun = this.options.openTun({ name: this.options.tunName, mtuBytes, device: info.config.device });
    } catch (error) {
      this.#fail('tunnel.tun_failed', `Cannot create the tunnel device: ${(error as Error).message}`);
      return;
    }
    const tun = this.#tun;
    tun.onDidFail((error) => this.#fail('tunnel.tun_failed', `The tunnel device stopped working: ${error.message}`));
    const hop = firstHop(info);
    const applied = await this.options.network.apply({ tunName: tun.name, mtuBytes, config: info.config, serverAddress: hop.address, serverFamily: hop.family, deviceReady: true });
    if (!applied.ok) {
      this.#fail(applied.error.code, applied.error.message);
      return;
    }
    if (isEnding(this.#phase)) return; // stopped while the network was being applied: the teardown follows
    this.#appliedFor = key;
    const client = this.#client;
    tun.onPackets((packets) => { for (const packet of packets) client.sendPacket(packet); });
    this.#tunnel = appliedTunnel(info, tun, applied.value);
    this.options.emit({ type: 'tunnel', sessionId: this.options.sessionId, tunnel: this.#tunnel });
    await Promise.all([this.options.tunnelReady?.(this.#tunnel), this.#watchPath(info)]);
    if (isEnding(this.#phase)) return;
    this.#startPlane(tun);
    this.#connected(info);
  }

  /** The session's data path onto the native plane, when it qualifies (logged either way). */
  #startPlane(tun: TunDevice): void {
    this.#stopPlane();
    const view = this.#client.dataOffload?.();
    if (!this.options.attachDataPlane || !view) return;
    const attached = this.options.attachDataPlane(view, tun, tun.mtuBytes);
    if ('fallback' in attached) {
      this.#log({ level: 'debug', message: `data path: core's (${attached.fallback})` });
      return;
    }
    this.#plane = attached;
    this.#log({ level: 'debug', message: 'data path: native data plane' });
  }

  #stopPlane(): void {
    const plane = this.#plane;
    this.#plane = undefined;
    plane?.close();
  }

  /** The session's counters, with the native plane's added while it runs. */
  #counters(): Counters | undefined {
    const counters = this.#client.counters;
    return counters && this.#plane ? this.#plane.counters(counters) : counters;
  }

  #connected(info: ConnectedInfo): void {
    if (this.#tunnel) this.#tunnel = { ...this.#tunnel, cipher: info.cipher, keyDerivation: info.keyDerivation, tlsVersion: info.tlsVersion };
    this.#connectedAtMs ??= Date.now();
    const reconnect = reconnectOf(this.#phase);
    this.#enter({ kind: 'connected', reason: { code: 'tunnel.connected', message: `Connected to ${info.remote.host}.` } });
    if (reconnect) this.#reconnected(reconnect);
    clearInterval(this.#statsTimer);
    this.#lastSampleMs = performance.now();
    this.#statsTimer = setInterval(() => this.#sampleStats(), this.#statsIntervalMs);
    this.#statsTimer.unref();
  }

  /**
   * Starts watching the path to the first hop (our routes are in place by now) and settles
   * once its baseline is read. Awaited before "connected" is told: a network that changed
   * right after (a test moves the address as soon as a ping is answered; a laptop can too)
   * would otherwise be read as the baseline, and the change never seen.
   */
  #watchPath(info: ConnectedInfo): Promise<void> | void {
    this.#pathWatch ??= this.options.watchPath?.({
      onPathChanged: (detail) => this.#pathChanged(detail),
      onLog: (message) => this.#log({ level: 'info', message }),
    });
    return this.#pathWatch?.watch(firstHop(info).address);
  }

  /** The machine slept: core decides whether the server can still know us (VpnClient.woke). */
  #woke(sleptMs: number): void {
    if (isEnding(this.#phase)) return;
    this.#log({ level: 'info', message: `system.wake: the computer slept for ${Math.round(sleptMs / 1000)} s` });
    this.#client.woke(sleptMs);
  }

  /** The path to the server changed: core decides what that means for its transport (VpnClient.networkChanged). */
  #pathChanged(detail: string): void {
    if (isEnding(this.#phase)) return;
    this.#log({ level: 'info', message: `network.changed: the path to the server changed (${detail})` });
    this.#client.networkChanged();
  }

  get #statsIntervalMs(): number {
    return this.options.statsIntervalMs ?? 1000;
  }

  #sampleStats(): void {
    const nowMs = performance.now();
    const lateMs = nowMs - this.#lastSampleMs - this.#statsIntervalMs;
    this.#lastSampleMs = nowMs;
    if (this.#plane && lateMs >= STALLED_MS) {
      // This process did not run (SIGSTOP, a stalled VM) while the plane's thread, free the
      // moment it continued, read what had queued in the socket: stale traffic that would tell
      // the keepalive timers the server was just heard. On core's own path ping-restart fired
      // first and reconnected at once; judge the gap the same way, as a sleep that long.
      this.#log({ level: 'info', message: `helper.stalled: this process did not run for ${Math.round(lateMs / 1000)} s` });
      this.#client.woke(lateMs, 'stalled');
    }
    this.#plane?.tick();
    const counters = this.#counters();
    if (!counters) return;
    const stats = this.#meter.sample(counters, Date.now());
    if (this.#tunDrops > 0) stats.drops['tun.write_dropped'] = this.#tunDrops;
    this.#stats = stats;
    this.options.emit({ type: 'stats', sessionId: this.options.sessionId, stats });
  }

  /** A local failure (TUN, routes): the tunnel cannot work, so stop rather than leak. */
  #fail(code: string, message: string): void {
    this.#log({ level: 'error', message });
    this.#endBecause({ code, message }, false);
    void this.#client.stop();
  }

  async #teardown(): Promise<void> {
    this.#stopPlane();
    this.#appliedFor = undefined;
    const tun = this.#tun;
    this.#tun = undefined;
    // Routes and DNS first: with the device gone the kernel drops its routes anyway,
    // but the host route to the server and DNS are ours to restore.
    await this.options.network.undo();
    tun?.close();
  }

  /** Every reconnect is told with its cause and its cost, in the log and as an event. */
  #reconnected(cause: ReconnectCause): void {
    const tookMs = Math.round(performance.now() - cause.startedMs);
    this.#log({ level: 'info', message: `reconnected in ${(tookMs / 1000).toFixed(1)} s after ${cause.reason.code}: ${cause.reason.message}` });
    this.#story.reconnected({ atMs: Date.now(), code: cause.reason.code.slice(0, 100), tookMs });
    this.options.emit({
      type: 'reconnected', sessionId: this.options.sessionId, tookMs,
      reason: { code: cause.reason.code, message: cause.reason.message.slice(0, 2000) },
    });
  }

  /** New data-channel keys are in use: told as an event (core's log line says it too) and kept in the story. */
  #renegotiated({ keyId, cause, tookMs }: Renegotiation): void {
    if (isEnding(this.#phase)) return;
    const renegotiation = { keyId, cause, tookMs, atMs: Date.now() };
    this.#story.renegotiated(renegotiation);
    this.options.emit({ type: 'renegotiated', sessionId: this.options.sessionId, ...renegotiation });
  }

  /** Every phase change goes through here: one state event, with its reason and timings. */
  #enter(phase: TunnelPhase, detail?: string): void {
    const nowMs = performance.now();
    const previousStateMs = nowMs - this.#phaseSinceMs;
    this.#phase = phase;
    this.#phaseSinceMs = nowMs;
    const failure = isFailure(phase);
    if (failure) this.#lastError = phase.reason;
    const sinceStartMs = Math.round(nowMs - this.#startedMs);
    this.#story.phase(tunnelState(phase), sinceStartMs);
    this.options.emit({
      type: 'state', sessionId: this.options.sessionId, profileName: this.options.profileName, state: tunnelState(phase),
      sinceStartMs, previousStateMs: Math.round(previousStateMs),
      reason: errorInfo(phase.reason),
      ...(detail === undefined ? {} : { detail: detail.slice(0, 2000) }),
      ...(failure ? { error: errorInfo(phase.reason) } : {}),
    });
    this.options.onDidChangePhase?.(phase);
  }

  /** Core's lines quote the server (AUTH_FAILED reasons, pushed options): escaped before anyone prints them. */
  #log(log: SessionLogLine): void {
    this.options.emit({ type: 'log', sessionId: this.options.sessionId, line: { atMs: Date.now(), level: log.level, message: printable(log.message.slice(0, 4000)) } });
  }
}

/** A reason as the socket carries it: the message cut to the schema's length, the data kept. */
function errorInfo(reason: Reason): Reason {
  return { code: reason.code, message: reason.message.slice(0, 2000), ...(reason.data ? { data: reason.data } : {}) };
}

/** Reconnecting, and ending without being asked to, are what the window reports as errors. */
function isFailure(phase: TunnelPhase): boolean {
  return phase.kind === 'reconnecting' || (phase.kind === 'disconnected' && !phase.requested);
}

/** Why the client reconnects: core's structured reason, else (an older core) its "<code>: <message>" detail. */
function reasonOf(change: ClientPhaseChange): Reason {
  if (change.reason) return change.reason;
  const [code = 'unknown', ...rest] = (change.detail ?? '').split(': ');
  return { code, message: rest.join(': ') || 'Reconnecting.' };
}

/**
 * Where the tunnel's own packets go: the server, or through a proxy the proxy (or SOCKS relay).
 * That address keeps the original path (the host route) and is the path watched for changes.
 */
function firstHop(info: ConnectedInfo): { address: string; family: 4 | 6 } {
  return info.remote.firstHop ?? { address: info.remote.address, family: info.remote.family };
}

/** What decides whether a reconnect can keep the device and routes as they are. */
function configKey(config: TunnelConfig): string {
  return JSON.stringify([config.device, config.routeGateway, config.ifconfig, config.ifconfigIpv6, config.routes, config.routesIpv6, config.redirectGateway && [...config.redirectGateway.flags],
    config.dns.servers, config.dns.servers6, config.dns.searchDomains, config.dns.domain, config.tunMtuBytes]);
}

function appliedTunnel(info: ConnectedInfo, tun: TunDevice, network: AppliedNetwork): AppliedTunnel {
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
