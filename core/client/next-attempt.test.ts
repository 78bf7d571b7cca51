import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthFailure } from '../control/classify-control-message';
import type { SessionEnd } from '../session/events';
import { nextAttempt, runEndReason, type AttemptEnd, type NextStep, type Refusal, type RetryPolicy, type RunEnd } from './next-attempt';

// The decision after each attempt, one row per case: (how it ended, the refusal, failures so far, policy) → next step.

const POLICY: RetryPolicy = { authRetry: 'none', connectRetrySeconds: 5, connectRetryMaxSeconds: 300 };
const ended = (end: SessionEnd, afterConnected = false): AttemptEnd => ({ kind: 'ended', end, afterConnected });
const refused = (failure: AuthFailure, tokenHeld = false): Refusal => ({ failure, tokenHeld });

const LINK_CLOSED: SessionEnd = { code: 'link.closed', message: 'The connection to the server closed (reset).', fatal: false };
const NO_ANSWER: SessionEnd = { code: 'connect.server_poll_timeout', message: 'No answer.', fatal: false, advance: 'addr' };
const UNRESOLVED: SessionEnd = { code: 'connect.resolve_failed', message: 'Cannot resolve vpn.example.', fatal: false, advance: 'remote' };
const PING_RESTART: SessionEnd = { code: 'session.ping_restart', message: 'No answer for 60 s.', fatal: false };
const NETWORK_CHANGED: SessionEnd = { code: 'network.changed', message: 'The path to the server changed.', fatal: false, advance: 'no', backoffSeconds: 0 };
const RESTART: SessionEnd = { code: 'server.restart', message: 'The server restarts.', fatal: false, advance: 'remote', backoffSeconds: 2 };
const BAD_CA: SessionEnd = { code: 'tls.certificate_untrusted', message: 'unable to verify the first certificate', fatal: true };
const AUTH_FAILED: SessionEnd = { code: 'auth.failed_plain', message: 'The server refused the sign-in.', fatal: true };
const AUTH_TEMP: SessionEnd = { code: 'auth.failed_temp', message: 'try later', fatal: true, advance: 'remote', backoffSeconds: 7 };
const AUTH_SESSION: SessionEnd = { code: 'auth.failed_session', message: 'The session expired: token expired', fatal: true };
const AUTH_CRV1: SessionEnd = { code: 'auth.failed_crv1', message: 'PIN?', fatal: true };

const PLAIN: AuthFailure = { kind: 'plain', reason: 'bad password' };
const SESSION: AuthFailure = { kind: 'session', reason: 'token expired' };
const TEMP: AuthFailure = { kind: 'temp', backoffSeconds: 7, advance: 'remote', message: 'try later' };
const CRV1: AuthFailure = { kind: 'crv1', flags: { echo: false, responseRequired: true }, stateId: 's1', username: 'bob', challenge: 'PIN?' };

const backOff = (ms: number, failures: number, advance: 'no' | 'addr' | 'remote' = 'addr'): NextStep => ({ kind: 'back_off', ms, advance, failures });
const stop = (end: RunEnd): NextStep => ({ kind: 'stop', end });

const rows: Array<[name: string, end: AttemptEnd, refusal: Refusal | undefined, failures: number, policy: RetryPolicy, expected: NextStep]> = [
  // The user's stop outranks whatever the attempt ended with.
  ['stop() during an attempt', { kind: 'stop_requested', request: { kind: 'stopped' } }, undefined, 3, POLICY, stop({ kind: 'stopped' })],
  ['a sign-in question cancelled during an attempt', { kind: 'stop_requested', request: { kind: 'cancelled' } }, undefined, 0, POLICY, stop({ kind: 'cancelled' })],
  ['stop() while the server refuses (auth-retry interact)', { kind: 'stop_requested', request: { kind: 'stopped' } }, refused(PLAIN), 0, { ...POLICY, authRetry: 'interact' }, stop({ kind: 'stopped' })],
  // Fatal ends stop; non-fatal ones back off with connect-retry, doubling every 5 failures, capped at connect-retry-max.
  ['fatal end (wrong CA)', ended(BAD_CA), undefined, 0, POLICY, stop({ kind: 'failed', end: BAD_CA })],
  ['link closed, first failure', ended(LINK_CLOSED), undefined, 0, POLICY, backOff(5_000, 1)],
  // The helper saw the path change: the same server again at once, and the count starts afresh.
  ['network changed (TCP)', ended(NETWORK_CHANGED, true), undefined, 4, POLICY, backOff(0, 0, 'no')],
  ['no answer: the next address', ended(NO_ANSWER), undefined, 1, POLICY, backOff(5_000, 2, 'addr')],
  ['unresolvable: the next remote', ended(UNRESOLVED), undefined, 0, POLICY, backOff(5_000, 1, 'remote')],
  ['4th failure in a row: still connect-retry', ended(LINK_CLOSED), undefined, 3, POLICY, backOff(5_000, 4)],
  ['5th failure in a row doubles', ended(LINK_CLOSED), undefined, 4, POLICY, backOff(10_000, 5)],
  ['10th failure in a row doubles again', ended(LINK_CLOSED), undefined, 9, POLICY, backOff(20_000, 10)],
  ['many failures: capped at connect-retry-max', ended(LINK_CLOSED), undefined, 100, POLICY, backOff(300_000, 101)],
  ['the server says how long (RESTART)', ended(RESTART), undefined, 0, POLICY, backOff(2_000, 1, 'remote')],
  ['connected, then lost: the count starts afresh', ended(PING_RESTART, true), undefined, 7, POLICY, backOff(5_000, 0)],
  ['connected, then the server restarts: its own wait, the count afresh', ended(RESTART, true), undefined, 7, POLICY, backOff(2_000, 0, 'remote')],
  // connect-retry-max across remotes.
  ['connect-retry-max reached', ended(LINK_CLOSED), undefined, 2, { ...POLICY, maxAttempts: 3 }, stop({ kind: 'gave_up', attempts: 3, last: LINK_CLOSED })],
  ['connect-retry-max not yet reached', ended(NO_ANSWER), undefined, 1, { ...POLICY, maxAttempts: 3 }, backOff(5_000, 2)],
  ['connect-retry-max: a lost tunnel resets the count', ended(PING_RESTART, true), undefined, 2, { ...POLICY, maxAttempts: 3 }, backOff(5_000, 0)],
  // AUTH_FAILED and auth-retry.
  ['AUTH_FAILED, auth-retry none', ended(AUTH_FAILED), refused(PLAIN), 0, POLICY, stop({ kind: 'refused', message: AUTH_FAILED.message })],
  ['AUTH_FAILED, auth-retry nointeract: back off', ended(AUTH_FAILED), refused(PLAIN), 0, { ...POLICY, authRetry: 'nointeract' }, backOff(5_000, 1)],
  ['AUTH_FAILED, auth-retry nointeract, connect-retry-max reached', ended(AUTH_FAILED), refused(PLAIN), 1, { ...POLICY, authRetry: 'nointeract', maxAttempts: 2 },
    stop({ kind: 'gave_up', attempts: 2, last: { ...AUTH_FAILED, fatal: false } })],
  ['AUTH_FAILED, auth-retry interact: ask again now', ended(AUTH_FAILED), refused(PLAIN), 3, { ...POLICY, authRetry: 'interact' }, { kind: 'retry_now', signIn: 'ask_again' }],
  ['AUTH_FAILED while a token was held: the password again, now', ended(AUTH_FAILED), refused(PLAIN, true), 0, POLICY, { kind: 'retry_now', signIn: 'without_token' }],
  // SESSION: the token expired.
  ['AUTH_FAILED,SESSION with a token', ended(AUTH_SESSION), refused(SESSION, true), 0, POLICY, { kind: 'retry_now', signIn: 'without_token' }],
  ['AUTH_FAILED,SESSION without a token follows auth-retry (none)', ended(AUTH_SESSION), refused(SESSION), 0, POLICY, stop({ kind: 'refused', message: AUTH_SESSION.message })],
  ['AUTH_FAILED,SESSION without a token follows auth-retry (interact)', ended(AUTH_SESSION), refused(SESSION), 0, { ...POLICY, authRetry: 'interact' }, { kind: 'retry_now', signIn: 'ask_again' }],
  // TEMP: the server's own back-off and advance, whatever auth-retry says.
  ['AUTH_FAILED,TEMP', ended(AUTH_TEMP), refused(TEMP), 0, POLICY, backOff(7_000, 1, 'remote')],
  ['AUTH_FAILED,TEMP with a token held', ended(AUTH_TEMP), refused(TEMP, true), 2, { ...POLICY, authRetry: 'interact' }, backOff(7_000, 3, 'remote')],
  ['AUTH_FAILED,TEMP, connect-retry-max reached', ended(AUTH_TEMP), refused(TEMP), 0, { ...POLICY, maxAttempts: 1 },
    stop({ kind: 'gave_up', attempts: 1, last: { ...AUTH_TEMP, fatal: false } })],
  // CRV1: answer the challenge and go again at once.
  ['AUTH_FAILED,CRV1', ended(AUTH_CRV1), refused(CRV1), 0, POLICY, { kind: 'retry_now', signIn: 'answer_challenge' }],
  ['AUTH_FAILED,CRV1 with a token held', ended(AUTH_CRV1), refused(CRV1, true), 0, POLICY, { kind: 'retry_now', signIn: 'answer_challenge' }],
];

for (const [name, end, refusal, failures, policy, expected] of rows) {
  test(`next attempt: ${name}`, () => {
    assert.deepEqual(nextAttempt(end, refusal, failures, policy), expected);
  });
}

test('how a run ends → what onStopped reports', () => {
  const cases: Array<[RunEnd, SessionEnd]> = [
    [{ kind: 'stopped' }, { code: 'user.disconnect', message: 'Disconnected.', fatal: true }],
    [{ kind: 'cancelled' }, { code: 'auth.cancelled', message: 'Sign-in was cancelled.', fatal: true }],
    [{ kind: 'refused', message: 'no' }, { code: 'auth.failed', message: 'no', fatal: true }],
    [{ kind: 'failed', end: BAD_CA }, BAD_CA],
    [{ kind: 'gave_up', attempts: 3, last: LINK_CLOSED }, { code: 'connect.retries_exhausted', message: `Gave up after 3 attempts: ${LINK_CLOSED.message}`, fatal: true }],
  ];
  for (const [end, reported] of cases) assert.deepEqual(runEndReason(end), reported, end.kind);
});
