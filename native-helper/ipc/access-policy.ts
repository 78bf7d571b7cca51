import type { HelperEvent, SessionStatus } from '../api/index';
import type { Caller, TunnelBackend } from '../service/tunnel-backend';

import { ROOT_UID } from './admission';
const REMEMBERED_SESSIONS = 32;

/** An event about the machine, not a session (the kill switch): every admitted caller may see it. */
export const EVERYONE = 'everyone' as const;

/** Root sees and controls everything; anyone else only the sessions they started. */
export function mayAccess(caller: Caller, ownerUid: number | undefined | typeof EVERYONE): boolean {
  return ownerUid === EVERYONE || caller.uid === ROOT_UID || (ownerUid !== undefined && caller.uid === ownerUid);
}

/**
 * Who owns which session: asked of the backend (which knows from the first event of a
 * session on), and remembered so that a session's last events still find their owner
 * after the backend has moved on. Events name only the session, so this is how the
 * server decides who may see them. Bounded: old sessions fall out.
 */
export class SessionOwners {
  readonly #owners = new Map<string, number>();

  constructor(private readonly backend: Pick<TunnelBackend, 'ownerOf'>) {}

  record(sessionId: string, ownerUid: number): void {
    this.#owners.delete(sessionId);
    this.#owners.set(sessionId, ownerUid);
    if (this.#owners.size > REMEMBERED_SESSIONS) {
      const oldest = this.#owners.keys().next().value;
      if (oldest !== undefined) this.#owners.delete(oldest);
    }
  }

  ownerOf(sessionId: string): number | undefined {
    const known = this.#owners.get(sessionId);
    if (known !== undefined) return known;
    const owner = this.backend.ownerOf(sessionId);
    if (owner !== undefined) this.record(sessionId, owner);
    return owner;
  }

  /**
   * Whose event this is, for mayAccess. Events without a session (helper-wide lines)
   * may mention anyone's sessions, so they have no owner: root only.
   */
  ownerOfEvent(event: HelperEvent): number | undefined | typeof EVERYONE {
    if (event.type === 'killswitch') return EVERYONE;
    const sessionId = 'sessionId' in event ? event.sessionId : undefined;
    return sessionId === undefined ? undefined : this.ownerOf(sessionId);
  }
}

/** What `tunnel.status` shows this caller: another user's session is invisible. */
export function statusFor(caller: Caller, status: SessionStatus | null): SessionStatus | null {
  return status !== null && mayAccess(caller, status.ownerUid) ? status : null;
}

const ENDED_STATES: ReadonlySet<SessionStatus['state']> = new Set(['idle', 'disconnected']);

/** A session still running that this caller may not control (disconnect, answer, cancel). */
export function isForbiddenSession(caller: Caller, status: SessionStatus | null): boolean {
  return status !== null && !ENDED_STATES.has(status.state) && !mayAccess(caller, status.ownerUid);
}
