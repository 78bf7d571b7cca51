import type { SessionSettings } from './session-settings';

/**
 * How long AUTH_PENDING may last: the server's timeout (default the hand-window), capped at
 * the larger of reneg-sec/2 and the hand-window (ovpn:push.c receive_auth_pending).
 */
export function pendingAuthSeconds(timeoutSeconds: number | undefined, timers: SessionSettings['timers']): number {
  const capSeconds = Math.max(timers.renegotiateSeconds / 2, timers.handWindowSeconds);
  return Math.min(timeoutSeconds ?? timers.handWindowSeconds, capSeconds);
}
