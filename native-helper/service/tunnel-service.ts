import { randomBytes } from 'node:crypto';
import { Secret, clientOptionsFromProfile, isConnectable, parseProfile } from '../../core/index';
import type { AeadCipherFactory, AeadProvider, CryptoProviderLoader, UdpLinkOpener, VpnClientOptions } from '../../core/index';
import type { HelperEvent, LogLine, MethodParams, SessionStatus } from '../api/index';
import { createTunDevice, type TunDevice, type TunDeviceOptions } from '../tun/index';
import { LogRing } from '../tunnel/log-ring';
import { NO_NETWORK, type NetworkPort } from '../tunnel/network-port';
import { TunnelController, type TunnelEnd } from '../tunnel/tunnel-controller';
import { HELPER_STOPPING, type TunnelPhase } from '../tunnel/tunnel-phase';
import type { PathWatchFactory } from '../tunnel/path-watch-port';
import type { SleepWatchFactory } from '../tunnel/sleep-watch-port';
import type { LeakCheckResult } from '../api/index';
import { firewallFacts } from './firewall-phase';
import type { KillSwitch } from './kill-switch';
import { checkLeaks, type LeakObservation } from './leak-check';
import { resolveServers, type HostResolver } from './resolve-servers';
import type { DataPlaneAttacher } from '../dataplane/native-data-plane';
import type { BackendResult, KillSwitchControl, SessionCaller, TunnelBackend } from './tunnel-backend';

export interface TunnelServiceOptions {
  /** A fresh network port per session (it remembers what to undo). */
  createNetwork?: () => NetworkPort;
  openTun?: (options: TunDeviceOptions) => TunDevice;
  /** UDP links to the server; core's node:dgram one when absent. */
  openUdpLink?: UdpLinkOpener;
  /** The data channel's AEAD; core's node:crypto one when absent. */
  aead?: AeadProvider;
  /** Whole classic-format AEAD data ciphers (the addon's DataKey); core's AeadCipher when absent. */
  aeadCipher?: AeadCipherFactory;
  /** The native data plane (the addon's); core's TypeScript data path when absent, or with POSTERN_DATA_PLANE=js. */
  attachDataPlane?: DataPlaneAttacher;
  /** Loads a profile's `providers` into this process (the addon); absent: none is loaded. */
  loadProvider?: CryptoProviderLoader;
  guiVersion?: string;
  statsIntervalMs?: number;
  tunName?: string;
  /**
   * Makes this process the one owner of the machine's routes and DNS for the life of a
   * tunnel (service/network-owner.ts); absent where nothing real is configured (tests).
   */
  claimNetwork?: () => BackendResult<{ release(): void }>;
  /** The machine's kill switch (kill-switch.ts); absent: no firewall at all (tests over memory devices). */
  killSwitch?: KillSwitch;
  /** Gathers what the leak self-test reads (leak-probe.ts); absent: no self-test. */
  observeLeaks?: (dnsServers: readonly string[]) => Promise<LeakObservation>;
  /** Resolves the profile's remotes before the block goes up; getaddrinfo when absent. */
  resolveHost?: HostResolver;
  /** Watches the path to the server (native-helper/netwatch); absent: network changes wait for ping-restart. */
  watchPath?: PathWatchFactory;
  /** Notices a suspend (native-helper/power); absent in tests over memory devices. */
  watchSleep?: SleepWatchFactory;
  /** Called each time a tunnel is connected, when start-up and handshake work is behind us (the helper hands back memory then). */
  onConnected?: () => void;
}

interface RunningSession {
  id: string;
  network: { release(): void } | undefined;
  profileName: string;
  ownerUid: number;
  controller: TunnelController;
  /** Set right after the session is registered (see connect). */
  ended: Promise<TunnelEnd> | undefined;
  /** The last leak self-test (after the latest connect or reconnect). */
  leakCheck: LeakCheckResult | null;
  /** The controller's "disconnected" event, held until the session is cleared (see #ended). */
  finalState: HelperEvent | undefined;
}

const EMPTY = { ok: true, value: {} } as const;
const NO_PROMPT = { ok: false, error: { code: 'auth.no_prompt', message: 'No question is waiting for an answer.' } } as const;
/** The phase the firewall is readied for before "connected" is told (TunnelController.tunnelReady). */
const CONNECTED = { kind: 'connected', reason: { code: 'tunnel.connected', message: 'Connected.' } } as const;

/**
 * Runs at most one tunnel at a time for callers of the helper socket (and for the
 * foreground `postern connect`, which uses it in-process). Parses the profile itself:
 * whatever the caller sent, the helper only acts on what core's parser accepted.
 */
export class TunnelService implements TunnelBackend {
  readonly killSwitch: KillSwitchControl | undefined;
  readonly #listeners = new Set<(event: HelperEvent) => void>();
  readonly #log = new LogRing();
  #session: RunningSession | undefined;
  #lastEnded: { status: SessionStatus } | undefined;

  constructor(private readonly options: TunnelServiceOptions = {}) {
    const killSwitch = options.killSwitch;
    this.killSwitch = killSwitch && {
      state: () => killSwitch.state,
      set: (change) => killSwitch.set(change, this.#session !== undefined),
    };
    killSwitch?.onEvent((event) => this.#emit(event));
  }

  connect(params: MethodParams<'tunnel.connect'>, caller: SessionCaller): BackendResult<{ sessionId: string }> {
    if (this.#session) return { ok: false, error: { code: 'tunnel.already_running', message: `"${this.#session.profileName}" is already running; disconnect it first.` } };
    const parsed = parseProfile(params.profile.text);
    if (!parsed.profile || !isConnectable(parsed)) {
      const first = parsed.problems.find((p) => p.severity === 'error');
      return { ok: false, error: { code: 'profile.invalid', message: first ? `line ${first.line}: ${first.message}` : 'The profile cannot be used.' } };
    }
    const credentials = params.credentials ? { username: params.credentials.username, password: new Secret(params.credentials.password) } : undefined;
    const clientOptions = clientOptionsFromProfile(parsed.profile, {
      ...(credentials ? { credentials } : {}),
      ...(params.keyPassphrase === undefined ? {} : { keyPassphrase: new Secret(params.keyPassphrase) }),
      guiVersion: this.options.guiVersion ?? 'Postern 0.1.0',
    });
    if (!clientOptions.ok) return { ok: false, error: clientOptions.error };
    const claimed = this.options.claimNetwork?.();
    if (claimed && !claimed.ok) return claimed;
    const id = randomBytes(8).toString('hex');
    const resolvable = clientOptions.value;
    const blockIpv6 = parsed.profile.routing.blockIpv6;
    // eslint-disable-next-line prefer-const -- the controller's hooks need the session, which needs the controller
    let session: RunningSession;
    const controller = new TunnelController({
      sessionId: id,
      profileName: params.profile.name,
      clientOptions: this.#withHelperHooks(clientOptions.value),
      defaultMtuBytes: parsed.profile.tunMtuBytes,
      openTun: this.options.openTun ?? ((options) => createTunDevice(options)),
      network: this.options.createNetwork?.() ?? NO_NETWORK,
      // The last word ("disconnected") waits until this service is free for the next connect:
      // a caller that hears it and connects at once must not be told a tunnel still runs.
      emit: (event) => (isFinalState(event) ? (session.finalState = event) : this.#emit(event)),
      ...(this.options.statsIntervalMs === undefined ? {} : { statsIntervalMs: this.options.statsIntervalMs }),
      ...(this.options.tunName === undefined ? {} : { tunName: this.options.tunName }),
      prepare: () => this.#raiseKillSwitch(resolvable),
      onDidChangePhase: (phase) => this.#phaseChanged(session, phase, blockIpv6),
      tunnelReady: async (tunnel) => { await this.options.killSwitch?.tunnelChanged(firewallFacts(CONNECTED, tunnel, blockIpv6)); },
      ...(this.options.watchPath ? { watchPath: this.options.watchPath } : {}),
      ...(this.options.attachDataPlane && process.env['POSTERN_DATA_PLANE'] !== 'js' ? { attachDataPlane: this.options.attachDataPlane } : {}),
      ...(this.options.watchSleep ? { watchSleep: this.options.watchSleep } : {}),
    });
    // The session and its owner are known before it starts: run() emits its first state (and
    // perhaps a prompt) at once, and the IPC server routes those by the owner.
    session = { id, network: claimed?.value, profileName: params.profile.name, ownerUid: caller.uid, controller, ended: undefined, leakCheck: null, finalState: undefined };
    this.#session = session;
    // The firewall's last change (no_tunnel, or the block a failure keeps) is in the kernel before anyone hears "ended".
    session.ended = controller.run().then(async (end) => {
      await this.options.killSwitch?.settled();
      return end;
    });
    void session.ended.then(() => this.#ended(session));
    return { ok: true, value: { sessionId: id } };
  }

  /** Before the first packet: resolve every remote, then put the block up with them allowed (fail closed). */
  async #raiseKillSwitch(options: VpnClientOptions): Promise<{ ok: true } | { ok: false; error: { code: string; message: string } }> {
    const killSwitch = this.options.killSwitch;
    if (!killSwitch) return { ok: true };
    const servers = await resolveServers(options, this.options.resolveHost);
    if (!servers.ok && killSwitch.mode !== 'off') return servers;
    const raised = await killSwitch.tunnelStarting(servers.ok ? servers.value : []);
    return raised.ok ? { ok: true } : raised;
  }

  /** The firewall follows the phase; after each connect or reconnect, the leak self-test. */
  #phaseChanged(session: RunningSession, phase: TunnelPhase, blockIpv6: boolean): void {
    if (phase.kind === 'connected') this.options.onConnected?.();
    const killSwitch = this.options.killSwitch;
    if (!killSwitch) return;
    // "connected" comes after tunnelReady has applied its table: only the leak check is left.
    if (phase.kind === 'connected') {
      void this.#leakCheck(session);
      return;
    }
    void killSwitch.tunnelChanged(firewallFacts(phase, session.controller.status().tunnel, blockIpv6));
  }

  async #leakCheck(session: RunningSession): Promise<void> {
    const { observeLeaks, killSwitch } = this.options;
    const tunnel = session.controller.status().tunnel;
    if (!observeLeaks || !killSwitch || tunnel === null || session.controller.phase.kind !== 'connected') return;
    const observed = await observeLeaks(tunnel.dnsServers);
    const checks = checkLeaks(observed, { tunnel, killSwitch: killSwitch.state });
    const result: LeakCheckResult = { ok: checks.every((check) => check.ok), atMs: Date.now(), checks };
    session.leakCheck = result;
    this.#emit({ type: 'leak_check', sessionId: session.id, ...result });
  }

  /** The helper's batched UDP, native AEAD and provider loader, when it was given them; a SOCKS relay goes through the kill switch. */
  #withHelperHooks(options: VpnClientOptions): VpnClientOptions {
    const { openUdpLink, aead, aeadCipher, loadProvider, killSwitch } = this.options;
    return {
      ...options,
      ...(openUdpLink ? { openUdpLink } : {}),
      ...(killSwitch ? { announceSocksRelay: (relay) => allowRelay(killSwitch, relay) } : {}),
      session: { ...options.session, ...(aead ? { aead } : {}), ...(aeadCipher ? { aeadCipher } : {}), ...(loadProvider ? { loadProvider } : {}) },
    };
  }

  async disconnect(): Promise<BackendResult<Record<string, never>>> {
    const session = this.#session;
    if (!session) {
      // No tunnel, but a block a failed tunnel (or a dead helper) left in `auto`: this is the user's disconnect.
      if (await this.options.killSwitch?.lift()) return EMPTY;
      return { ok: false, error: { code: 'tunnel.not_running', message: 'No tunnel is running.' } };
    }
    await session.controller.stop();
    // Resolved once the session is cleared and "disconnected" was told (#ended runs first).
    await session.ended;
    return EMPTY;
  }

  /** The app heard the machine resume: the running tunnel looks at its clocks now. */
  powerResumed(): void {
    this.#session?.controller.powerResumed();
  }

  /** Resolves with how the running session ended (undefined when none runs). */
  whenEnded(): Promise<TunnelEnd> | undefined {
    return this.#session?.ended;
  }

  status(): SessionStatus | null {
    const session = this.#session;
    if (!session) return this.#lastEnded?.status ?? null;
    return statusOf(session);
  }

  /** The IPC server has checked the caller owns the session: prompts go only to their owner. */
  answerPrompt(params: MethodParams<'auth.answer'>): BackendResult<Record<string, never>> {
    const controller = this.#session?.controller;
    if (!controller) return NO_PROMPT;
    const answered = controller.answerPrompt(params.promptId, {
      ...(params.username === undefined ? {} : { username: params.username }),
      ...(params.password === undefined ? {} : { password: new Secret(params.password) }),
      ...(params.response === undefined ? {} : { response: new Secret(params.response) }),
    });
    return answered.ok ? EMPTY : { ok: false, error: answered.error };
  }

  cancelPrompt(params: MethodParams<'auth.cancel'>): BackendResult<Record<string, never>> {
    const controller = this.#session?.controller;
    if (!controller) return NO_PROMPT;
    const cancelled = controller.cancelPrompt(params.promptId);
    return cancelled.ok ? EMPTY : { ok: false, error: cancelled.error };
  }

  recentLog(limit: number): LogLine[] {
    return this.#log.recent(limit);
  }

  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Owner of the running or last session (for the IPC server's access checks). */
  ownerOf(sessionId: string): number | undefined {
    return this.#session?.id === sessionId ? this.#session.ownerUid : this.#lastEnded?.status.sessionId === sessionId ? this.#lastEnded.status.ownerUid : undefined;
  }

  /**
   * Tears down whatever runs (helper exit, SIGTERM). The user did not ask for it, so a
   * kill switch in `auto` keeps blocking: the machine may be shutting down, or the helper
   * being updated, and a restarted helper keeps the block until the user decides.
   */
  async shutdown(): Promise<void> {
    const session = this.#session;
    await session?.controller.stop(HELPER_STOPPING);
    await session?.ended;
  }

  #emit(event: HelperEvent): void {
    if (event.type === 'log') this.#log.add(event.line);
    for (const listener of this.#listeners) listener(event);
  }

  #ended(session: RunningSession): void {
    // Routes and DNS are undone by now (the controller's run resolves after its teardown).
    session.network?.release();
    if (this.#session === session) {
      this.#lastEnded = { status: statusOf(session) };
      this.#session = undefined;
    }
    if (session.finalState) this.#emit(session.finalState);
  }
}

function isFinalState(event: HelperEvent): boolean {
  return event.type === 'state' && event.state === 'disconnected';
}

function statusOf(session: RunningSession): SessionStatus {
  return { sessionId: session.id, profileName: session.profileName, ownerUid: session.ownerUid, ...session.controller.status(), leakCheck: session.leakCheck };
}

export function createTunnelService(options: TunnelServiceOptions = {}): TunnelService {
  return new TunnelService(options);
}

/** The relay must be open before the first datagram: a table that cannot take it fails the link (and the attempt). */
async function allowRelay(killSwitch: KillSwitch, relay: { address: string; port: number; family: 4 | 6 }): Promise<void> {
  const allowed = await killSwitch.allowRelay({ ...relay, proto: 'udp' });
  if (!allowed.ok) throw Object.assign(new Error(allowed.error.message), { code: 'killswitch.failed' });
}
