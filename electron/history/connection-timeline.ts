import { TIMELINE_MAX_PHASES, TIMELINE_MAX_RECONNECTS, TIMELINE_MAX_RENEGOTIATIONS } from '../api/app-api';
import type { ConnectionTimeline, PastConnection } from '../api/app-api';
import type { HelperEvent, SessionStatus } from '../../native-helper/api/index';

type StateEvent = Extract<HelperEvent, { type: 'state' }>;

/** A session's story while it lasts: its timeline plus what its end needs (the last bytes counted). */
interface Running {
  timeline: ConnectionTimeline;
  bytesIn: number;
  bytesOut: number;
}

/**
 * The story of one connection, told from the helper events main already hears: each phase of
 * the way up (resolving … configuring, connected) with when it began and how long it took, each
 * reconnect with its cause's code and how long the tunnel was gone, and when it ends, one
 * PastConnection for the history (how long it was up, bytes each way, how it ended).
 *
 * Phases are those of the first way up only: a reconnect is told once, by the helper's
 * `reconnected` event (cause and cost), not by the phases it went through again. Each
 * renegotiation (new keys, the tunnel stays up) is told by the helper's `renegotiated` event.
 *
 * An app started while a tunnel is up has heard none of that: the helper's status (1.5) carries
 * the story it kept, and `adopt` takes it as this connection's beginning.
 */
export class ConnectionRecorder {
  #running: Running | undefined;
  /** The timeline of the connection that ended last, shown until the next begins. */
  constructor(private readonly onEnded: (past: PastConnection) => void, private readonly nowMs: () => number = Date.now) {}

  /** The connection going on now (or the one that ended last, until the next starts); null before any. */
  get timeline(): ConnectionTimeline | null {
    return this.#running?.timeline ?? this.#last ?? null;
  }

  #last: ConnectionTimeline | undefined;

  /** Feeds one helper event; true when the timeline or the history changed (worth telling the window). */
  onEvent(event: HelperEvent): boolean {
    switch (event.type) {
      case 'state':
        return this.#onState(event);
      case 'reconnected': {
        const running = this.#of(event.sessionId);
        if (!running) return false;
        const reconnects = [...running.timeline.reconnects, { atMs: this.nowMs(), code: event.reason.code, tookMs: event.tookMs }].slice(-TIMELINE_MAX_RECONNECTS);
        running.timeline = { ...running.timeline, reconnects };
        return true;
      }
      case 'renegotiated': {
        const running = this.#of(event.sessionId);
        if (!running) return false;
        const { atMs, keyId, cause, tookMs } = event;
        const renegotiations = [...running.timeline.renegotiations, { atMs, keyId, cause, tookMs }].slice(-TIMELINE_MAX_RENEGOTIATIONS);
        running.timeline = { ...running.timeline, renegotiations, renegotiationCount: running.timeline.renegotiationCount + 1 };
        return true;
      }
      case 'stats': {
        const running = this.#of(event.sessionId);
        if (running) {
          running.bytesIn = event.stats.bytesIn;
          running.bytesOut = event.stats.bytesOut;
        }
        return false;
      }
      default:
        return false;
    }
  }

  /**
   * The helper's session as it answered a subscribe or a status: a tunnel this recorder has not
   * seen come up (the app started, or its link came back, while it was up) takes the helper's
   * story as its beginning. One whose way up it saw is left to the events. True when taken.
   */
  adopt(session: SessionStatus | null): boolean {
    const story = session?.story;
    if (!session || !story || session.state === 'disconnected' || session.state === 'disconnecting') return false;
    const running = this.#of(session.sessionId);
    const helperSawUp = story.phases.some((p) => p.state === 'connected');
    if (running && (running.timeline.connectedAtMs !== null || !helperSawUp)) return false;
    if (this.#running && !running) this.#end(this.#running, this.nowMs(), 'app.link_lost');
    this.#running = {
      timeline: {
        sessionId: session.sessionId, profileName: session.profileName, startedAtMs: session.startedAtMs,
        connectedAtMs: helperSawUp ? session.connectedAtMs : null,
        phases: story.phases.slice(-TIMELINE_MAX_PHASES),
        reconnects: story.reconnects.slice(-TIMELINE_MAX_RECONNECTS),
        renegotiations: story.renegotiations.slice(-TIMELINE_MAX_RENEGOTIATIONS).map(({ atMs, keyId, cause, tookMs }) => ({ atMs, keyId, cause, tookMs })),
        renegotiationCount: story.renegotiationCount,
      },
      bytesIn: running?.bytesIn ?? session.stats?.bytesIn ?? 0,
      bytesOut: running?.bytesOut ?? session.stats?.bytesOut ?? 0,
    };
    return true;
  }

  #of(sessionId: string): Running | undefined {
    return this.#running?.timeline.sessionId === sessionId ? this.#running : undefined;
  }

  #onState(event: StateEvent): boolean {
    const now = this.nowMs();
    let running = this.#of(event.sessionId);
    if (!running) {
      // Another session's events: the one before ended without our hearing it (the helper restarted).
      if (this.#running) this.#end(this.#running, now, 'app.link_lost');
      if (event.state === 'disconnected') return false;
      running = {
        timeline: { sessionId: event.sessionId, profileName: event.profileName, startedAtMs: now - event.sinceStartMs, connectedAtMs: null, phases: [], reconnects: [], renegotiations: [], renegotiationCount: 0 },
        bytesIn: 0, bytesOut: 0,
      };
      this.#running = running;
    }
    const timeline = running.timeline;
    if (event.state === 'disconnecting' || event.state === 'disconnected') {
      running.timeline = { ...timeline, phases: closeLast(timeline.phases, event.sinceStartMs) };
      if (event.state === 'disconnected') this.#end(running, now, event.error?.code ?? null);
      return true;
    }
    // Once up, the phases of a reconnect are not the story: its `reconnected` event is.
    if (timeline.connectedAtMs !== null) return false;
    const phases = [...closeLast(timeline.phases, event.sinceStartMs), { state: event.state, startMs: event.sinceStartMs, durationMs: null }];
    running.timeline = {
      ...timeline,
      phases: phases.slice(-TIMELINE_MAX_PHASES),
      ...(event.state === 'connected' ? { connectedAtMs: now } : {}),
    };
    return true;
  }

  #end(running: Running, now: number, endCode: string | null): void {
    const { timeline } = running;
    this.#running = undefined;
    this.#last = timeline;
    this.onEnded({
      profileName: timeline.profileName, startedAtMs: timeline.startedAtMs, endedAtMs: now,
      connectedForMs: timeline.connectedAtMs === null ? 0 : Math.max(0, now - timeline.connectedAtMs),
      bytesIn: running.bytesIn, bytesOut: running.bytesOut, reconnects: timeline.reconnects.length,
      renegotiations: timeline.renegotiationCount, endCode,
      story: { phases: timeline.phases, reconnects: timeline.reconnects, renegotiations: timeline.renegotiations },
    });
  }
}

/** The phase still open ends where the next begins. */
function closeLast(phases: ConnectionTimeline['phases'], atMs: number): ConnectionTimeline['phases'] {
  const last = phases.at(-1);
  if (!last || last.durationMs !== null) return phases;
  return [...phases.slice(0, -1), { ...last, durationMs: Math.max(0, atMs - last.startMs) }];
}
