import type { HelperEvent, KillSwitchState, LogLine, MethodParams, SessionStatus, WireError } from '../api/index';

/** Who is asking, as the kernel told us (SO_PEERCRED, SO_PEERGROUPS). */
export interface Caller {
  uid: number;
  pid: number;
  /** Primary group. */
  gid: number;
  /** Supplementary groups. */
  groups: readonly number[];
}

/** What a backend needs to know of whoever starts a session. */
export type SessionCaller = Pick<Caller, 'uid' | 'pid'>;

export type BackendResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * What the IPC server needs from the part that runs tunnels. The server checks the
 * caller may act (owner uid or root) before calling; the backend does the work.
 * One session at a time: a machine has one VPN tunnel up.
 */
export interface TunnelBackend {
  connect(params: MethodParams<'tunnel.connect'>, caller: SessionCaller): BackendResult<{ sessionId: string }>;
  /** Resolves once the tunnel is down and the network configuration undone. */
  disconnect(): Promise<BackendResult<Record<string, never>>>;
  status(): SessionStatus | null;
  /**
   * Who started this session, known from the moment connect() begins: the first events of
   * a session (its first state, an immediate prompt) are emitted before connect() returns.
   */
  ownerOf(sessionId: string): number | undefined;
  answerPrompt(params: MethodParams<'auth.answer'>): BackendResult<Record<string, never>>;
  cancelPrompt(params: MethodParams<'auth.cancel'>): BackendResult<Record<string, never>>;
  recentLog(limit: number): LogLine[];
  /** 1.3: the desktop said the machine resumed from sleep (a hint: the tunnel measures the sleep itself). */
  powerResumed?(): void;
  /** The machine-wide kill switch; absent in a backend without a firewall (killswitch.unavailable). */
  readonly killSwitch?: KillSwitchControl | undefined;
  /** Every event of every session; the server filters per subscriber. Returns an unsubscribe. */
  onEvent(listener: (event: HelperEvent) => void): () => void;
}

/** The kill switch as the socket's handlers see it (service/kill-switch.ts behind it). */
export interface KillSwitchControl {
  state(): KillSwitchState;
  set(change: MethodParams<'killswitch.set'>): Promise<BackendResult<KillSwitchState>>;
}
