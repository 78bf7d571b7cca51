import type { AppliedTunnel, LeakCheckResult, SessionStatus } from '../../../electron/api/app-api';
import { LEAK_BADGE_WORDS } from '../../../electron/api/words';
import { errorText } from '../error-text';
import { stateText } from '../state-text';
import type { HelperEvent, SliceCreator } from './app-state';

export type TunnelState = SessionStatus['state'];
type StateEvent = Extract<HelperEvent, { type: 'state' }>;
type ReconnectedEvent = Extract<HelperEvent, { type: 'reconnected' }>;

/** One time the tunnel came back: why it went (a code for words), when, and how long it was gone. */
export interface ReconnectRecord {
  atMs: number;
  code: string;
  tookMs: number;
}

/** The session as the window shows it, merged from snapshots and the faster helper events. */
export interface ConnectionView {
  sessionId: string;
  profileName: string;
  state: TunnelState;
  /** Local clock, when connect was asked for. */
  startedAtMs: number;
  connectedAtMs: number | null;
  tunnel: AppliedTunnel | null;
  lastError: { code: string; message: string } | null;
  /** The leak self-test of the connection up now; null until it is done (and again once the connection drops). */
  leakCheck: LeakCheckResult | null;
}

/** One phase of the attempt: when it began (since connect) and how long it took once over. */
export interface PhaseTiming {
  state: TunnelState;
  enteredAfterMs: number;
  durationMs: number | null;
}

export interface ConnectionSlice {
  connection: ConnectionView | null;
  phases: PhaseTiming[];
  /** This session's reconnects, newest last (bounded). */
  reconnects: ReconnectRecord[];
  connect(profileId: string): Promise<boolean>;
  disconnect(): Promise<boolean>;
  applySession(session: SessionStatus | null): void;
  applyState(event: StateEvent): void;
  applyTunnel(sessionId: string, tunnel: AppliedTunnel): void;
  applyReconnected(event: ReconnectedEvent): void;
  applyLeakCheck(sessionId: string, result: LeakCheckResult): void;
}

/** Reconnect loops must not grow the lists without bound. */
const MAX_PHASES = 40;
const MAX_RECONNECTS = 20;

export const createConnectionSlice: SliceCreator<ConnectionSlice> = ({ api, nowMs }) => (set, get) => ({
  connection: null,
  phases: [],
  reconnects: [],
  connect: async (profileId) => {
    get().dismissError();
    try {
      await api.call('tunnel.connect', { profileId });
      return true;
    } catch (error) {
      get().fail(error);
      return false;
    }
  },
  disconnect: async () => {
    try {
      await api.call('tunnel.disconnect', {});
      return true;
    } catch (error) {
      get().fail(error);
      return false;
    }
  },
  applySession: (session) => {
    if (!session) {
      set({ connection: null, phases: [], reconnects: [] });
      return;
    }
    const same = get().connection?.sessionId === session.sessionId;
    const connection: ConnectionView = {
      sessionId: session.sessionId, profileName: session.profileName, state: session.state, startedAtMs: session.startedAtMs,
      connectedAtMs: session.connectedAtMs, tunnel: session.tunnel, lastError: session.lastError,
      // Main sends only a check of the connection up now (electron/helper/helper-link.ts).
      leakCheck: session.state === 'connected' ? session.leakCheck ?? null : null,
    };
    set(same ? { connection } : { connection, phases: [], reconnects: [] });
    get().resetStats(session.sessionId);
    if (session.stats && !same) get().applyStats(session.sessionId, session.stats);
  },
  applyState: (event) => {
    const current = get().connection;
    const now = nowMs();
    const base: ConnectionView = current !== null && current.sessionId === event.sessionId ? current : {
      sessionId: event.sessionId, profileName: event.profileName, state: event.state, startedAtMs: now - event.sinceStartMs,
      connectedAtMs: null, tunnel: null, lastError: null, leakCheck: null,
    };
    const connection: ConnectionView = {
      ...base,
      state: event.state,
      // Reconnecting or stopping: the last check was of the connection that went away.
      leakCheck: event.state === 'connected' ? base.leakCheck : null,
      connectedAtMs: event.state === 'connected' ? base.connectedAtMs ?? now : event.state === 'reconnecting' ? null : base.connectedAtMs,
      lastError: event.error ?? (event.state === 'connected' ? null : base.lastError),
    };
    set(base === current
      ? { connection, phases: nextPhases(get().phases, event) }
      : { connection, phases: nextPhases([], event), reconnects: [] });
    get().resetStats(event.sessionId);
    if (event.error) {
      get().showError(event.error.code, event.error.message, event.error.data);
      get().announce(`Connection failed: ${errorText(event.error.code, event.error.message, event.error.data)}`);
    } else {
      get().announce(`${event.profileName}: ${stateText(event.state)}`);
    }
    if (event.state === 'disconnected') get().closeAllPrompts();
  },
  applyTunnel: (sessionId, tunnel) => {
    const current = get().connection;
    if (current?.sessionId === sessionId) set({ connection: { ...current, tunnel } });
  },
  applyReconnected: (event) => {
    if (get().connection?.sessionId !== event.sessionId) return;
    const record: ReconnectRecord = { atMs: nowMs(), code: event.reason.code, tookMs: event.tookMs };
    set({ reconnects: [...get().reconnects, record].slice(-MAX_RECONNECTS) });
  },
  applyLeakCheck: (sessionId, result) => {
    const current = get().connection;
    if (current?.sessionId !== sessionId || current.state !== 'connected') return;
    set({ connection: { ...current, leakCheck: result } });
    // A failure is said at once by the badge's own alert (features/connect/leak-badge.tsx); a pass,
    // quietly, with the state it follows (one polite line: the newer one may replace the older).
    if (result.ok) get().announce(`${current.profileName}: ${stateText('connected')}. ${LEAK_BADGE_WORDS.ok}`);
  },
});

function nextPhases(phases: PhaseTiming[], event: StateEvent): PhaseTiming[] {
  const last = phases.at(-1);
  if (last?.state === event.state) return phases;
  const closed = last ? [...phases.slice(0, -1), { ...last, durationMs: event.previousStateMs }] : phases;
  const next = [...closed, { state: event.state, enteredAfterMs: event.sinceStartMs, durationMs: null }];
  return next.length > MAX_PHASES ? next.slice(next.length - MAX_PHASES) : next;
}
