import { CANCELLED, type AuthPolicy } from '../auth/index';
import type { AuthFailure } from '../control/classify-control-message';
import type { SessionEnd } from '../session/events';

/** Why a run was told to stop from outside an attempt: stop(), or the user cancelled a sign-in question. */
export type StopRequest = { kind: 'stopped' } | { kind: 'cancelled' };

/** How a run ends. `runEndReason` turns it into the SessionEnd that onStopped reports. */
export type RunEnd =
  | StopRequest
  /** AUTH_FAILED with auth-retry none. */
  | { kind: 'refused'; message: string }
  /** An end that must not be retried: wrong CA, name mismatch, HALT, … */
  | { kind: 'failed'; end: SessionEnd }
  /** connect-retry-max failed attempts in a row. */
  | { kind: 'gave_up'; attempts: number; last: SessionEnd };

/** How one attempt ended, as the supervisor saw it: a stop requested meanwhile outranks the session's own end. */
export type AttemptEnd =
  | { kind: 'ended'; end: SessionEnd }
  | { kind: 'stop_requested'; request: StopRequest };

/** The AUTH_FAILED an attempt ended with; `tokenHeld`: an auth-token was held then (pushed during it counts too). */
export interface Refusal {
  failure: AuthFailure;
  tokenHeld: boolean;
}

/** The profile's retry settings: auth-retry, connect-retry, connect-retry-max. */
export interface RetryPolicy {
  authRetry: AuthPolicy['retry'];
  connectRetrySeconds: number;
  connectRetryMaxSeconds: number;
  /** Stop after this many failed attempts in a row; undefined = forever. */
  maxAttempts?: number;
}

/**
 * What the supervisor does next. `retry_now` goes to the same server at once; `signIn` says what
 * changes first: answer the CRV1 challenge, drop the refused token for the password, or (auth-retry
 * interact) forget the password and ask again. `back_off` waits `ms`, then moves on as `advance`
 * says; `failures` is the new count of failed attempts in a row.
 */
export type NextStep =
  | { kind: 'retry_now'; signIn: 'answer_challenge' | 'without_token' | 'ask_again' }
  | { kind: 'back_off'; ms: number; advance: 'no' | 'addr' | 'remote'; failures: number }
  | { kind: 'stop'; end: RunEnd };

/** The decision after each attempt (protocol.md §10, §14). Pure: no clock, no I/O. */
export function nextAttempt(ended: AttemptEnd, refusal: Refusal | undefined, failures: number, policy: RetryPolicy): NextStep {
  if (ended.kind === 'stop_requested') return { kind: 'stop', end: ended.request };
  const { end } = ended;
  if (refusal) {
    const afterRefusal = nextAfterRefusal(refusal, end, policy);
    if (afterRefusal) return afterRefusal;
    // The server refused now but may accept later (TEMP, auth-retry nointeract): not fatal.
    return backOff({ ...end, fatal: false }, failures, policy);
  }
  if (end.fatal) return { kind: 'stop', end: { kind: 'failed', end } };
  return backOff(end, failures, policy);
}

/** The refusal's own decision, or undefined to back off as after any non-fatal end. */
function nextAfterRefusal({ failure, tokenHeld }: Refusal, end: SessionEnd, policy: RetryPolicy): NextStep | undefined {
  switch (failure.kind) {
    case 'temp':
      return undefined;
    case 'crv1':
      return { kind: 'retry_now', signIn: 'answer_challenge' };
    case 'session':
    case 'plain':
      // 2.6 treats any refusal while a token is held as the token expiring (ovpn:push.c
      // receive_auth_failed): sign in again with the password, asked for if forgotten.
      // Without a token, SESSION is an ordinary refusal, so a server cannot make us loop.
      if (tokenHeld) return { kind: 'retry_now', signIn: 'without_token' };
      switch (policy.authRetry) {
        case 'none':
          return { kind: 'stop', end: { kind: 'refused', message: end.message } };
        case 'nointeract':
          return undefined;
        case 'interact':
          return { kind: 'retry_now', signIn: 'ask_again' };
      }
  }
}

function backOff(end: SessionEnd, failures: number, policy: RetryPolicy): NextStep {
  // A tunnel that was up, or one left because the network changed, starts the count afresh.
  const inARow = end.code === 'session.connected_then_lost' || end.code === 'network.changed' ? 0 : failures + 1;
  if (policy.maxAttempts !== undefined && inARow >= policy.maxAttempts) {
    return { kind: 'stop', end: { kind: 'gave_up', attempts: inARow, last: end } };
  }
  return { kind: 'back_off', ms: backOffMs(end, inARow, policy), advance: end.advance ?? 'addr', failures: inARow };
}

function backOffMs(end: SessionEnd, failures: number, policy: RetryPolicy): number {
  if (end.backoffSeconds !== undefined) return end.backoffSeconds * 1000;
  if (end.code === 'session.connected_then_lost') return policy.connectRetrySeconds * 1000;
  // connect-retry, doubling after every 5 failures, capped (protocol.md §14).
  const factor = 2 ** Math.floor(failures / 5);
  return Math.min(policy.connectRetrySeconds * factor, policy.connectRetryMaxSeconds) * 1000;
}

/** The SessionEnd onStopped reports for a run's end (the codes the helper and the app know). */
export function runEndReason(end: RunEnd): SessionEnd {
  switch (end.kind) {
    case 'stopped':
      return { code: 'user.disconnect', message: 'Disconnected.', fatal: true };
    case 'cancelled':
      return CANCELLED;
    case 'refused':
      return { code: 'auth.failed', message: end.message, fatal: true };
    case 'failed':
      return end.end;
    case 'gave_up':
      return { code: 'connect.retries_exhausted', message: `Gave up after ${end.attempts} attempts: ${end.last.message}`, fatal: true };
  }
}
