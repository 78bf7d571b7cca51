import type { AuthFailure } from '../control/classify-control-message';
import type { SessionEnd } from '../session/events';
import type { Credentials } from '../session/session-settings';
import { Secret } from '../wire/secret';
import type { AuthPolicy } from './auth-policy';
import type { PromptBox } from './prompt-box';

/** What the client does after an attempt the server refused. */
export type AfterRefusal =
  | { kind: 'retry_now' }
  | { kind: 'back_off' }
  | { kind: 'stop'; end: SessionEnd };

export type AttemptCredentials = { ok: true; credentials: Credentials | undefined } | { ok: false; end: SessionEnd };

export const CANCELLED: SessionEnd = { code: 'auth.cancelled', message: 'Sign-in was cancelled.', fatal: true };

/**
 * The username and password across attempts (protocol.md §9, §10): asks for what is
 * missing before an attempt, answers dynamic challenges, applies auth-retry and
 * auth-nocache. Everything entered stays in memory, in Secret, and is never logged.
 */
export class SignIn {
  #username: string | undefined;
  #password: Secret | undefined;
  /** A dynamic-challenge answer: used by exactly the next attempt. */
  #challengeAnswer: Credentials | undefined;
  #refusedBecause: string | undefined;

  constructor(private readonly policy: AuthPolicy, private readonly prompts: PromptBox) {
    this.#username = policy.credentials?.username ?? policy.username;
    this.#password = policy.credentials?.password;
  }

  /** The credentials for the next attempt, asking for what is missing; a token stands in for the password. */
  async forAttempt(hasToken: boolean): Promise<AttemptCredentials> {
    if (!this.policy.userPass) return { ok: true, credentials: undefined };
    const answer = this.#challengeAnswer;
    if (answer) {
      this.#challengeAnswer = undefined;
      return { ok: true, credentials: answer };
    }
    // With an auth-token the password is not sent; the username still is, unless auth-token-user came.
    if (hasToken) return { ok: true, credentials: { username: this.#username ?? '', password: this.#password ?? new Secret('') } };
    const challenge = this.policy.staticChallenge;
    if (this.#username !== undefined && this.#password !== undefined && !challenge) {
      return { ok: true, credentials: { username: this.#username, password: this.#password } };
    }
    const asked = await this.prompts.ask({
      kind: challenge ? 'static_challenge' : 'credentials',
      text: challenge?.text ?? this.#credentialsText(),
      echo: challenge?.echo ?? false,
      timeoutSeconds: null,
      ...(this.#username === undefined ? {} : { username: this.#username }),
      needs: { username: this.#username === undefined, password: this.#password === undefined, response: challenge !== undefined },
    }).answer;
    if (!asked) return { ok: false, end: CANCELLED };
    this.#username = asked.username ?? this.#username ?? '';
    this.#password = asked.password ?? this.#password ?? new Secret('');
    const password = challenge ? staticChallengePassword(challenge.format, this.#password, asked.response ?? new Secret('')) : this.#password;
    return { ok: true, credentials: { username: this.#username, password } };
  }

  /**
   * After AUTH_FAILED: what to do next, asking the dynamic challenge when there is one.
   * `tokenRefused`: an auth-token was held when the server refused (it is dropped by now).
   */
  async afterRefusal(failure: AuthFailure, end: SessionEnd, tokenRefused: boolean): Promise<AfterRefusal> {
    switch (failure.kind) {
      case 'temp':
        return { kind: 'back_off' };
      case 'crv1': {
        const asked = await this.prompts.ask({
          kind: 'dynamic_challenge', text: failure.challenge, echo: failure.flags.echo, timeoutSeconds: null,
          username: failure.username, needs: { username: false, password: false, response: failure.flags.responseRequired },
        }).answer;
        if (!asked) return { kind: 'stop', end: CANCELLED };
        const response = asked.response?.reveal() ?? '';
        this.#challengeAnswer = { username: failure.username, password: new Secret(`CRV1::${failure.stateId}::${response}`) };
        return { kind: 'retry_now' };
      }
      case 'session':
      case 'plain':
        // 2.6 treats any refusal while a token is held as the token expiring (ovpn:push.c
        // receive_auth_failed): sign in again with the password, asked for if forgotten.
        // Without a token, SESSION is an ordinary refusal, so a server cannot make us loop.
        if (tokenRefused) return { kind: 'retry_now' };
        return this.#afterPlainRefusal(failure.kind === 'plain' ? failure.reason : failure.reason || undefined, end);
    }
  }

  /** auth-nocache: the password is gone once the tunnel is up. */
  onConnected(): void {
    this.#refusedBecause = undefined;
    if (this.policy.noCache) this.#password = undefined;
  }

  #afterPlainRefusal(reason: string | undefined, end: SessionEnd): AfterRefusal {
    switch (this.policy.retry) {
      case 'none':
        return { kind: 'stop', end: { code: 'auth.failed', message: end.message, fatal: true } };
      case 'nointeract':
        return { kind: 'back_off' };
      case 'interact':
        this.#password = undefined;
        this.#refusedBecause = reason ?? 'no reason given';
        return { kind: 'retry_now' };
    }
  }

  #credentialsText(): string {
    return this.#refusedBecause === undefined
      ? 'Sign in to the VPN.'
      : `The server refused the sign-in (${this.#refusedBecause}). Try again.`;
  }
}

/** static-challenge: `SCRV1:base64(password):base64(response)`, or both run together for `concat` (2.6). */
function staticChallengePassword(format: 'scrv1' | 'concat', password: Secret, response: Secret): Secret {
  if (format === 'concat') return new Secret(password.reveal() + response.reveal());
  const encode = (secret: Secret): string => Buffer.from(secret.reveal(), 'utf8').toString('base64');
  return new Secret(`SCRV1:${encode(password)}:${encode(response)}`);
}
