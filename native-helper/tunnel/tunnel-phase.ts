import type { ErrorData, TunnelState } from '../api/index';

/** Why the tunnel is where it is: a code for programs and the tray's words, a message for logs. */
export interface Reason {
  code: string;
  message: string;
  /** What the words need beside the code (core's SessionEndData). */
  data?: ErrorData;
}

/** The steps of one connection attempt, as core reports them (each a TunnelState of its own). */
export type NegotiationStep = 'resolving' | 'connecting' | 'tls_handshake' | 'authenticating' | 'auth_pending' | 'pulling_config';

/**
 * Why a tunnel that was up is being brought back, and since when (performance.now()): carried
 * by every phase of the way back, so `connected` can say what it cost (the `reconnected` event).
 * A second failure on the way keeps the first cause: the user lost the tunnel then.
 */
export interface ReconnectCause {
  reason: Reason;
  startedMs: number;
}

/** The reconnect a phase is part of, if any. */
export function reconnectOf(phase: TunnelPhase): ReconnectCause | undefined {
  return phase.kind === 'negotiating' || phase.kind === 'configuring' || phase.kind === 'reconnecting' ? phase.reconnect : undefined;
}

/**
 * Where one tunnel is, as a closed union (the manner of Mullvad's tunnel state machine):
 * each phase carries what is true only in it, so there are no flags beside it to get out
 * of step. The TUN device, routes and DNS outlive reconnects (persist-tun), so they are
 * the controller's, not a phase's.
 *
 *   idle → negotiating → configuring → connected ⇄ reconnecting → negotiating …
 *   any → disconnecting(reason, requested) → disconnected(reason, requested)
 */
export type TunnelPhase =
  | { kind: 'idle'; reason: Reason }
  | { kind: 'negotiating'; step: NegotiationStep; reason: Reason; reconnect?: ReconnectCause }
  | { kind: 'configuring'; reason: Reason; reconnect?: ReconnectCause }
  | { kind: 'connected'; reason: Reason }
  | { kind: 'reconnecting'; reason: Reason; reconnect: ReconnectCause }
  /** requested: the user asked (disconnect, Ctrl-C); otherwise the reason is a failure. */
  | { kind: 'disconnecting'; reason: Reason; requested: boolean }
  | { kind: 'disconnected'; reason: Reason; requested: boolean };

/** The phase as the helper socket's state names it. */
export function tunnelState(phase: TunnelPhase): TunnelState {
  return phase.kind === 'negotiating' ? phase.step : phase.kind;
}

/** Phases after which nothing more happens to this tunnel but the teardown. */
export function isEnding(phase: TunnelPhase): phase is Extract<TunnelPhase, { kind: 'disconnecting' | 'disconnected' }> {
  return phase.kind === 'disconnecting' || phase.kind === 'disconnected';
}

export const USER_DISCONNECT: Reason = { code: 'user.disconnect', message: 'Disconnected.' };
/** The helper itself is stopping (SIGTERM: a shutdown, an update): not the user's disconnect. */
export const HELPER_STOPPING: Reason = { code: 'helper.stopping', message: 'The Postern helper stopped.' };
