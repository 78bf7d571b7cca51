import type { ProfileEntry } from '../../../electron/api/app-api';
import type { AppState } from './app-state';
import type { ConnectionView, TunnelState } from './connection-slice';

/** States in which a session is still on its way up (or down). */
const BUSY_STATES: ReadonlySet<TunnelState> = new Set<TunnelState>([
  'idle', 'resolving', 'connecting', 'tls_handshake', 'authenticating', 'auth_pending', 'pulling_config', 'configuring', 'reconnecting', 'disconnecting',
]);

/** The running session, if any (a finished one stays in the store for its error). */
export function selectActiveConnection(state: AppState): ConnectionView | null {
  const connection = state.connection;
  return connection && connection.state !== 'disconnected' ? connection : null;
}

export function isBusyState(state: TunnelState): boolean {
  return BUSY_STATES.has(state);
}

/** The state to show beside a profile: its session's, or undefined when it has none running. */
export function selectProfileState(state: AppState, profile: ProfileEntry): TunnelState | undefined {
  const active = selectActiveConnection(state);
  return active && active.profileName === profile.name ? active.state : undefined;
}

export function selectHelperUp(state: AppState): boolean {
  return state.helper?.state === 'connected';
}

/** Milliseconds since connect was asked for, or since connected once up. */
export function selectElapsedMs(state: AppState, nowMs: number): number {
  const active = selectActiveConnection(state);
  if (!active) return 0;
  const since = active.state === 'connected' && active.connectedAtMs !== null ? active.connectedAtMs : active.startedAtMs;
  return Math.max(0, nowMs - since);
}

/**
 * The kill switch blocks and no VPN runs (`always` with nothing connected, `auto` after a
 * failure or a helper restart): nothing leaves the computer until a VPN connects, or the
 * block is lifted. While a session runs, its own state says what happens.
 */
export function selectBlockingWithoutVpn(state: AppState): boolean {
  return selectHelperUp(state) && state.killSwitchConfirmed?.blocking === true && selectActiveConnection(state) === null;
}

export type LeakBadgeState = 'checking' | 'ok' | 'failed';

/** The leak badge of the connection up now: checking until the helper's self-test answers; null when not connected. */
export function selectLeakBadge(state: AppState): LeakBadgeState | null {
  const active = selectActiveConnection(state);
  if (active?.state !== 'connected') return null;
  if (active.leakCheck === null) return 'checking';
  return active.leakCheck.ok ? 'ok' : 'failed';
}
