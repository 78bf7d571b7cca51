import type { TunnelConfig } from '../control/tunnel-config';
import type { PhaseChange, SessionEnd, SessionPhase } from './events';
import type { SessionSettings } from './session-settings';
import type { OwnRenegotiationCause } from './codes';
import { authPendingDeadlineMs, firstPushRequestAtMs, nextPushRequestAtMs } from './push-negotiation';

/**
 * The session's state machine as a pure function, in the manner of mullvad's
 * tunnel_state_machine: a closed union of state records (each holding exactly the data
 * valid in it) and one transition function per state, returning the next state and the
 * effects for the session to carry out. No clock, no I/O: `nowMs` comes with each call.
 */

/** Waiting for the push: PUSH_REQUEST goes out at `pushRequestAtMs` (then every second, or every 5 s once the sign-in is pending). */
interface Pulling {
  sinceMs: number;
  /** When the initial key's exchange finished: the AUTH_PENDING deadline counts from here. */
  keyExchangedAtMs: number;
  /** Undefined until the key is active (our control packets all ACKed): then set a moment ahead. */
  pushRequestAtMs: number | undefined;
}

export type LiveState =
  /** Our hard reset is queued; waiting for the server's. */
  | { kind: 'connecting'; sinceMs: number }
  | { kind: 'tls_handshake'; sinceMs: number }
  /** TLS is up; key-method 2 messages are being exchanged. */
  | { kind: 'authenticating'; sinceMs: number }
  | ({ kind: 'pulling_config' } & Pulling)
  /** The server defers the sign-in: its own deadline replaces the hand-window. */
  | ({ kind: 'auth_pending'; deadlineMs: number } & Pulling)
  | { kind: 'connected'; sinceMs: number; config: TunnelConfig; cipher: string };

export type SessionState =
  | LiveState
  /** close(): the EXIT message is on its way; the session works on until it left. */
  | { kind: 'closing'; previous: LiveState; end: SessionEnd }
  /** Final: refuses further use. `last` is where it ended (its phase and config stay readable). */
  | { kind: 'ended'; end: SessionEnd; last: LiveState };

/** What a timer tick observed outside the state: the layers' own timers. */
export interface TickObservations {
  /** ping-restart: nothing heard from the server for too long. */
  peerGone: boolean;
  /** ping: nothing sent for `ping` seconds. */
  pingDue: boolean;
  /** The limit the current key reached (reneg-sec, reneg-bytes, the end of its packet-ids), if any. */
  keyExpired: OwnRenegotiationCause | undefined;
  /** Everything queued on the initial key was ACKed (PUSH_REQUEST waits for that, as 2.x does). */
  initialKeyIdle: boolean;
}

export type SessionEvent =
  | { kind: 'start' }
  /** The server's reset on the initial key: TLS starts. */
  | { kind: 'initial_key_reset' }
  | { kind: 'initial_tls_secure' }
  | { kind: 'initial_key_exchanged' }
  | { kind: 'auth_pending'; timeoutSeconds: number | undefined }
  | { kind: 'configured'; config: TunnelConfig; cipher: string }
  | ({ kind: 'tick' } & TickObservations)
  /** Anything that ends the attempt now (a layer's fatal error, the server's word, abort()). */
  | { kind: 'fail'; end: SessionEnd }
  | { kind: 'close'; end: SessionEnd }
  /** The EXIT message left (or the wait for it ran out). */
  | { kind: 'exit_flushed' };

export type SessionEffect =
  | { kind: 'phase'; change: PhaseChange }
  | { kind: 'send_push_request' }
  | { kind: 'send_ping' }
  | { kind: 'renegotiate'; cause: OwnRenegotiationCause }
  | { kind: 'end'; end: SessionEnd };

export interface Transition {
  state: SessionState;
  effects: SessionEffect[];
}

/** What stays fixed for one session. */
export interface SessionContext {
  startMs: number;
  /** hand-window: the whole handshake, up to the push, must finish by then. */
  handshakeDeadlineMs: number;
  timers: SessionSettings['timers'];
}

export function initialState(nowMs: number): SessionState {
  return { kind: 'connecting', sinceMs: nowMs };
}

/** The phase the owner sees for a state. */
export function phaseOf(state: SessionState): SessionPhase {
  switch (state.kind) {
    case 'closing': return phaseOf(state.previous);
    case 'ended': return phaseOf(state.last);
    default: return state.kind;
  }
}

/** The live state inside closing/ended (for reads: config, phase). */
export function liveStateOf(state: SessionState): LiveState {
  return state.kind === 'closing' ? state.previous : state.kind === 'ended' ? state.last : state;
}

export function next(state: SessionState, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  switch (state.kind) {
    case 'closing': return fromClosing(state, event, nowMs, ctx);
    case 'ended': return stay(state);
    default: return fromLive(state, event, nowMs, ctx);
  }
}

/** The earliest time a state's own deadline needs a tick (Infinity: none). */
export function stateDeadlineMs(state: SessionState, ctx: SessionContext): number {
  switch (state.kind) {
    case 'connecting':
    case 'tls_handshake':
    case 'authenticating': return ctx.handshakeDeadlineMs;
    case 'pulling_config': return Math.min(ctx.handshakeDeadlineMs, state.pushRequestAtMs ?? Infinity);
    case 'auth_pending': return Math.min(state.deadlineMs, state.pushRequestAtMs ?? Infinity);
    case 'connected': return Infinity;
    case 'closing': return stateDeadlineMs(state.previous, ctx);
    case 'ended': return Infinity;
  }
}

function fromLive(state: LiveState, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  switch (event.kind) {
    case 'fail': return end(state, event.end);
    case 'close': return { state: { kind: 'closing', previous: state, end: event.end }, effects: [] };
    case 'exit_flushed': return stay(state);
    default: break;
  }
  switch (state.kind) {
    case 'connecting': return fromConnecting(state, event, nowMs, ctx);
    case 'tls_handshake': return fromTlsHandshake(state, event, nowMs, ctx);
    case 'authenticating': return fromAuthenticating(state, event, nowMs, ctx);
    case 'pulling_config': return fromPullingConfig(state, event, nowMs, ctx);
    case 'auth_pending': return fromAuthPending(state, event, nowMs, ctx);
    case 'connected': return fromConnected(state, event);
  }
}

function fromConnecting(state: Extract<LiveState, { kind: 'connecting' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  // start() always reports 'connecting', even though the session was created in it.
  if (event.kind === 'start') return enter(state, { kind: 'connecting', sinceMs: nowMs }, nowMs, ctx);
  if (event.kind === 'initial_key_reset') return enter(state, { kind: 'tls_handshake', sinceMs: nowMs }, nowMs, ctx);
  if (event.kind === 'tick') return handshakeTick(state, event, nowMs, ctx);
  return stay(state);
}

function fromTlsHandshake(state: Extract<LiveState, { kind: 'tls_handshake' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  if (event.kind === 'initial_tls_secure') return enter(state, { kind: 'authenticating', sinceMs: nowMs }, nowMs, ctx);
  if (event.kind === 'tick') return handshakeTick(state, event, nowMs, ctx);
  return stay(state);
}

function fromAuthenticating(state: Extract<LiveState, { kind: 'authenticating' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  if (event.kind === 'initial_key_exchanged') {
    // The initial key waits for the push: the cipher and the key derivation are pushed.
    return enter(state, { kind: 'pulling_config', sinceMs: nowMs, keyExchangedAtMs: nowMs, pushRequestAtMs: undefined }, nowMs, ctx);
  }
  if (event.kind === 'tick') return handshakeTick(state, event, nowMs, ctx);
  return stay(state);
}

function fromPullingConfig(state: Extract<LiveState, { kind: 'pulling_config' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  switch (event.kind) {
    case 'auth_pending': {
      const deadlineMs = authPendingDeadlineMs(state.keyExchangedAtMs, event.timeoutSeconds, ctx.timers);
      return enter(state, { ...state, kind: 'auth_pending', sinceMs: nowMs, deadlineMs }, nowMs, ctx);
    }
    case 'configured': return enter(state, { kind: 'connected', sinceMs: nowMs, config: event.config, cipher: event.cipher }, nowMs, ctx);
    case 'tick': {
      const timedOut = handshakeTick(state, event, nowMs, ctx);
      return timedOut.state !== state ? timedOut : pushRequestTick(state, event, nowMs);
    }
    default: return stay(state);
  }
}

function fromAuthPending(state: Extract<LiveState, { kind: 'auth_pending' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  switch (event.kind) {
    // A repeated AUTH_PENDING moves the deadline, not the phase.
    case 'auth_pending': return stay({ ...state, deadlineMs: authPendingDeadlineMs(state.keyExchangedAtMs, event.timeoutSeconds, ctx.timers) });
    case 'configured': return enter(state, { kind: 'connected', sinceMs: nowMs, config: event.config, cipher: event.cipher }, nowMs, ctx);
    case 'tick': {
      if (nowMs >= state.deadlineMs) {
        return end(state, { code: 'auth.pending_timeout', message: `The server did not finish the sign-in within ${Math.round((nowMs - state.sinceMs) / 1000)} s.`, fatal: true });
      }
      if (event.peerGone) return end(state, PING_RESTART);
      return pushRequestTick(state, event, nowMs);
    }
    default: return stay(state);
  }
}

function fromConnected(state: Extract<LiveState, { kind: 'connected' }>, event: SessionEvent): Transition {
  // AUTH_PENDING here belongs to a renegotiation; the tunnel stays up. A later PUSH_REPLY
  // only renews the auth-token (protocol.md §9): the session handles it, the state stays.
  if (event.kind !== 'tick') return stay(state);
  if (event.peerGone) return end(state, PING_RESTART);
  const effects: SessionEffect[] = [];
  if (event.pingDue) effects.push({ kind: 'send_ping' });
  if (event.keyExpired) effects.push({ kind: 'renegotiate', cause: event.keyExpired });
  return { state, effects };
}

/** Closing works on as the state it closed from, until the EXIT left or something ended it. */
function fromClosing(state: Extract<SessionState, { kind: 'closing' }>, event: SessionEvent, nowMs: number, ctx: SessionContext): Transition {
  if (event.kind === 'exit_flushed') return end(state.previous, state.end);
  if (event.kind === 'close') return stay(state);
  const inner = fromLive(state.previous, event, nowMs, ctx);
  if (inner.state.kind === 'ended' || inner.state.kind === 'closing') return inner;
  return { state: { ...state, previous: inner.state }, effects: inner.effects };
}

const PING_RESTART: SessionEnd = { code: 'session.ping_restart', message: 'The server stopped answering (ping-restart).', fatal: false };

/** Before the push: the hand-window, then ping-restart. */
function handshakeTick(state: LiveState, tick: TickObservations, nowMs: number, ctx: SessionContext): Transition {
  if (nowMs >= ctx.handshakeDeadlineMs) {
    return end(state, { code: 'session.handshake_timeout', message: `No connection within ${Math.round((nowMs - ctx.startMs) / 1000)} s (hand-window).`, fatal: false });
  }
  if (tick.peerGone) return end(state, PING_RESTART);
  return stay(state);
}

/**
 * PUSH_REQUEST as the 2.6 client sends it (shared/protocol-2.7.md §4): the first a moment
 * after the initial key is active, never in the same packet as the ACK that activates the
 * server's key (push-negotiation.ts says why), then every second until the reply, or every
 * 5 s once the server has said the sign-in is pending (push-negotiation.ts says why).
 */
function pushRequestTick<S extends Extract<LiveState, Pulling>>(state: S, tick: TickObservations, nowMs: number): Transition {
  if (!tick.initialKeyIdle) return stay(state);
  if (state.pushRequestAtMs === undefined) return stay({ ...state, pushRequestAtMs: firstPushRequestAtMs(nowMs) });
  if (nowMs < state.pushRequestAtMs) return stay(state);
  return { state: { ...state, pushRequestAtMs: nextPushRequestAtMs(nowMs, state.kind === 'auth_pending') }, effects: [{ kind: 'send_push_request' }] };
}

function enter(from: LiveState, to: LiveState, nowMs: number, ctx: SessionContext): Transition {
  const change: PhaseChange = { phase: to.kind, sinceStartMs: nowMs - ctx.startMs, previousPhaseMs: nowMs - from.sinceMs };
  return { state: to, effects: [{ kind: 'phase', change }] };
}

function end(last: LiveState, reason: SessionEnd): Transition {
  return { state: { kind: 'ended', end: reason, last }, effects: [{ kind: 'end', end: reason }] };
}

function stay(state: SessionState): Transition {
  return { state, effects: [] };
}
