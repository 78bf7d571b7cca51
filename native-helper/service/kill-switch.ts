import type { HelperEvent, KillSwitchState, MethodParams } from '../api/index';
import type { FirewallInput, FirewallPolicy, FirewallResult, KillSwitchSettings, LoadedSettings, NftJson, ServerEndpoint } from '../firewall/index';
import { DEFAULT_SETTINGS } from '../firewall/index';
import { NO_TUNNEL, type TunnelFacts } from './firewall-phase';

/** What the kill switch uses of the firewall module (Firewall, KillSwitchSettingsStore): ports, so tests can fake nft. */
export interface FirewallPort {
  apply(input: FirewallInput): Promise<FirewallResult<FirewallPolicy>>;
  remove(): Promise<FirewallResult<void>>;
  current(): Promise<FirewallResult<NftJson | undefined>>;
}
export interface SettingsPort {
  read(): Promise<FirewallResult<LoadedSettings>>;
  write(settings: KillSwitchSettings): Promise<FirewallResult<void>>;
}

export interface KillSwitchOptions {
  firewall: FirewallPort;
  settings: SettingsPort;
  /** The system's upstream resolvers, which root may query while connecting (resolve-servers.ts). */
  bootstrapDns?: () => Promise<string[]>;
}

export type KillSwitchResult<T> = { ok: true; value: T } | { ok: false; error: { code: 'killswitch.failed'; message: string } };

/**
 * The machine-wide kill switch: the setting (root-owned file), and the one FirewallInput
 * derived from it and from the tunnel's phase (firewall-phase.ts). Every change re-applies
 * the whole table, one at a time, in order; the table outlives the helper on purpose.
 */
export class KillSwitch {
  #settings: KillSwitchSettings = { ...DEFAULT_SETTINGS };
  #settingsError: string | undefined;
  #facts: TunnelFacts = NO_TUNNEL;
  #servers: ServerEndpoint[] = [];
  /** A SOCKS5 UDP relay of the current attempt (allowRelay), beside the resolved servers. */
  #relay: ServerEndpoint | undefined;
  #bootstrapDns: string[] = [];
  #blocking = false;
  #queue: Promise<unknown> = Promise.resolve();
  #lastSaid = '';
  readonly #listeners = new Set<(event: HelperEvent) => void>();

  constructor(private readonly options: KillSwitchOptions) {}

  /** `killswitch` events (setting or blocking changed) and its log lines. Returns the unsubscribe. */
  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Helper start: read the setting and reconcile with the kernel. `always` blocks now; `auto`
   * keeps a table a dead helper left (blocking until the user disconnects or connects again);
   * `off` removes any table left behind. Unreadable settings keep the kernel's table as it is.
   */
  start(): Promise<void> {
    return this.#serialize(async () => {
      const read = await this.options.settings.read();
      const present = await this.options.firewall.current();
      const tableLeft = present.ok && present.value !== undefined;
      if (!read.ok) {
        this.#settingsError = `${read.error.message} [${read.error.code}]`;
        this.#blocking = present.ok && isBlocking(present.value);
        this.#log('error', `kill switch settings unreadable; the firewall is left as it is: ${this.#settingsError}`);
        this.#say();
        return;
      }
      this.#settings = read.value.settings;
      if (this.#settings.mode === 'auto' && tableLeft) {
        this.#facts = { ...NO_TUNNEL, state: 'reconnecting' };
        this.#blocking = isBlocking(present.value);
        this.#log('warn', 'kill switch: a table left by an earlier helper keeps blocking until `postern disconnect` or a new connect');
      } else if (this.#settings.mode === 'always' || tableLeft) {
        await this.#apply();
      }
      this.#say();
    });
  }

  get state(): KillSwitchState {
    return { ...this.#settings, blocking: this.#blocking };
  }

  get mode(): KillSwitchSettings['mode'] {
    return this.#settings.mode;
  }

  /** Writes the setting, then applies it to the current tunnel; changed fields only. */
  set(change: MethodParams<'killswitch.set'>, tunnelRunning: boolean): Promise<KillSwitchResult<KillSwitchState>> {
    return this.#serialize(async () => {
      const next: KillSwitchSettings = {
        mode: change.mode ?? this.#settings.mode,
        allowLan: change.allowLan ?? this.#settings.allowLan,
        dnsLeakProtection: change.dnsLeakProtection ?? this.#settings.dnsLeakProtection,
      };
      const written = await this.options.settings.write(next);
      if (!written.ok) return failed(`cannot save the kill switch setting: ${written.error.message}`);
      this.#settings = next;
      this.#settingsError = undefined;
      // Turned off with no tunnel running: whatever a failed tunnel or a dead helper left is the past.
      if (!tunnelRunning && next.mode === 'off') {
        this.#facts = NO_TUNNEL;
        this.#forgetServers();
      }
      const applied = await this.#apply();
      this.#say();
      return applied.ok ? { ok: true, value: this.state } : applied;
    });
  }

  /**
   * A tunnel starts: its servers (resolved by the caller before anything is blocked) and the
   * upstream resolvers go into the table, in `connecting`. Fails closed: with the mode on, a
   * table that cannot be applied means the tunnel must not start.
   */
  tunnelStarting(servers: ServerEndpoint[]): Promise<KillSwitchResult<void>> {
    return this.#serialize(async () => {
      if (this.#settingsError !== undefined) return failed(`the kill switch setting cannot be read (${this.#settingsError}); fix it or run \`postern killswitch off\``);
      this.#servers = servers;
      this.#relay = undefined;
      this.#bootstrapDns = await (this.options.bootstrapDns?.() ?? Promise.resolve([]));
      this.#facts = { ...NO_TUNNEL, state: 'connecting' };
      const applied = await this.#apply();
      this.#say();
      if (!applied.ok && this.#settings.mode !== 'off') return applied;
      if (!applied.ok) this.#log('warn', `DNS and IPv6 leak guards unavailable: ${applied.error.message}`);
      return { ok: true, value: undefined };
    });
  }

  /**
   * A SOCKS5 proxy named its UDP relay (known only after the proxy answers): from now on the
   * tunnel may send there, in place of the relay of an earlier attempt. The proxy itself was
   * allowed at tunnelStarting. Resolves once the table lets it through (fails closed).
   */
  allowRelay(relay: ServerEndpoint): Promise<KillSwitchResult<void>> {
    return this.#serialize(async () => {
      if (this.#facts.state === 'no_tunnel') return failed('no tunnel is starting');
      this.#relay = relay;
      const applied = await this.#apply();
      if (!applied.ok && this.#settings.mode !== 'off') return applied;
      return { ok: true, value: undefined };
    });
  }

  /** The tunnel's phase changed (firewallFacts); resolves once the table matches. */
  tunnelChanged(facts: TunnelFacts): Promise<KillSwitchResult<void>> {
    return this.#serialize(async () => {
      this.#facts = facts;
      if (facts.state === 'no_tunnel') this.#forgetServers();
      const applied = await this.#apply();
      this.#say();
      if (!applied.ok) this.#log('error', `kill switch: ${applied.error.message}; the previous table stays in place`);
      return applied;
    });
  }

  /** `postern disconnect` with no tunnel running: lifts a block a failed tunnel (or a dead helper) left in `auto`. */
  lift(): Promise<boolean> {
    return this.#serialize(async () => {
      if (this.#facts.state === 'no_tunnel') return false;
      this.#facts = NO_TUNNEL;
      this.#forgetServers();
      await this.#apply();
      this.#say();
      return true;
    });
  }

  #forgetServers(): void {
    this.#servers = [];
    this.#relay = undefined;
  }

  /** Resolves when every change asked for so far is in the kernel. */
  settled(): Promise<void> {
    return this.#queue.then(() => undefined, () => undefined);
  }

  async #apply(): Promise<KillSwitchResult<void>> {
    const input: FirewallInput = {
      mode: this.#settings.mode, ...this.#facts, servers: this.#relay ? [...this.#servers, this.#relay] : this.#servers,
      allowLan: this.#settings.allowLan, dnsLeakProtection: this.#settings.dnsLeakProtection,
      ...(this.#bootstrapDns.length > 0 ? { bootstrapDns: this.#bootstrapDns } : {}),
    };
    if (input.tunnelInterface === undefined) delete input.tunnelInterface;
    const applied = await this.options.firewall.apply(input);
    if (!applied.ok) {
      const present = await this.options.firewall.current();
      this.#blocking = present.ok && isBlocking(present.value);
      return failed(`the firewall refused the kill switch: ${applied.error.message}${applied.error.stderr ? ` (${applied.error.stderr.slice(0, 300)})` : ''}`);
    }
    this.#blocking = applied.value.blocking;
    return { ok: true, value: undefined };
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #say(): void {
    const state = this.state;
    const key = JSON.stringify(state);
    if (key === this.#lastSaid) return;
    this.#lastSaid = key;
    for (const listener of this.#listeners) listener({ type: 'killswitch', ...state });
  }

  #log(level: 'info' | 'warn' | 'error', message: string): void {
    for (const listener of this.#listeners) listener({ type: 'log', line: { atMs: Date.now(), level, message } });
  }
}

/** A table whose output chain drops by default is the kill switch's (guards alone accept by default). */
export function isBlocking(table: NftJson | undefined): boolean {
  return (table?.nftables ?? []).some((item) => {
    const chain = item['chain'] as { name?: unknown; policy?: unknown } | undefined;
    return chain?.name === 'output' && chain.policy === 'drop';
  });
}

function failed(message: string): { ok: false; error: { code: 'killswitch.failed'; message: string } } {
  return { ok: false, error: { code: 'killswitch.failed', message } };
}
