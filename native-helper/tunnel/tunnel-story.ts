import { STORY_MAX_PHASES, STORY_MAX_RECONNECTS, STORY_MAX_RENEGOTIATIONS } from '../api/index';
import type { Renegotiation, TunnelState, TunnelStory as Story } from '../api/index';

type Phase = Story['phases'][number];
type Reconnect = Story['reconnects'][number];

/**
 * The story of one tunnel as the helper tells it to a client that subscribes late (an app
 * started while the tunnel is up): the same story the app tells from the events, kept here
 * so it is there from the start. Each phase of the first way up with when it began and how
 * long it took, then the reconnects and the renegotiations, the last ones of each (bounded)
 * with their whole counts. A reconnect's phases are not told again: its reconnect is.
 */
export class TunnelStory {
  #phases: Phase[] = [];
  #wasUp = false;
  #reconnects: Reconnect[] = [];
  #reconnectCount = 0;
  #renegotiations: Renegotiation[] = [];
  #renegotiationCount = 0;

  /** The tunnel entered `state`, `sinceStartMs` after connect was asked for. */
  phase(state: TunnelState, sinceStartMs: number): void {
    if (state === 'disconnecting' || state === 'disconnected') {
      this.#phases = closeLast(this.#phases, sinceStartMs);
      return;
    }
    if (this.#wasUp) return;
    this.#phases = [...closeLast(this.#phases, sinceStartMs), { state, startMs: sinceStartMs, durationMs: null }].slice(-STORY_MAX_PHASES);
    if (state === 'connected') this.#wasUp = true;
  }

  reconnected(reconnect: Reconnect): void {
    this.#reconnectCount++;
    this.#reconnects = [...this.#reconnects, reconnect].slice(-STORY_MAX_RECONNECTS);
  }

  renegotiated(renegotiation: Renegotiation): void {
    this.#renegotiationCount++;
    this.#renegotiations = [...this.#renegotiations, renegotiation].slice(-STORY_MAX_RENEGOTIATIONS);
  }

  /** The story as the socket carries it (a copy: later changes do not reach it). */
  snapshot(): Story {
    return {
      phases: [...this.#phases],
      reconnects: [...this.#reconnects],
      reconnectCount: this.#reconnectCount,
      renegotiations: [...this.#renegotiations],
      renegotiationCount: this.#renegotiationCount,
    };
  }
}

/** The phase still open ends where the next begins. */
function closeLast(phases: Phase[], atMs: number): Phase[] {
  const last = phases.at(-1);
  if (!last || last.durationMs !== null) return phases;
  return [...phases.slice(0, -1), { ...last, durationMs: Math.max(0, atMs - last.startMs) }];
}
