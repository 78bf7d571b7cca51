import type { AuthFailure } from '../control/classify-control-message';
import type { SessionEnd } from '../session/events';
import type { Credentials } from '../session/session-settings';
import { Secret } from '../wire/secret';
import type { AuthPolicy } from './auth-policy';
import type { PromptBox } from './prompt-box';

export type AttemptCredentials = { ok: true; credentials: Credentials | undefined } | { ok: false; end: SessionEnd };

export const CANCELLED: SessionEnd = { code: 'auth.cancelled', message: 'Sign-in was cancelled.', fatal: true };

type Crv1 = Extract<AuthFailure, { kind: 'crv1' }>;

/**
 * The username and password across attempts (protocol.md §9, §10): asks for what is
 * missing before an attempt, answers dynamic challenges, forgets what auth-retry interact
 * and auth-nocache say to. Whether to retry after a refusal is client/next-attempt.ts's call.
 * Everything entered stays in memory, in Secret, and is never logged.
 */
export class SignIn {
  #username: string | undefined;
  #password: Secret | undefined;
  /** A dynamic challenge: asked before, and answered by, exactly the next attempt. */
  #challenge: Crv1 | undefined;
  #refusedBecause: string | undefined;

  constructor(private readonly policy: AuthPolicy, private readonly prompts: PromptBox) {
    this.#username = policy.credentials?.username ?? policy.username;
    this.#password = policy.credentials?.password;
  }

  /** The credentials for the next attempt, asking for what is missing; a token stands in for the password. */
  async forAttempt(hasToken: boolean): Promise<AttemptCredentials> {
    if (!this.policy.userPass) return { ok: true, credentials: undefined };
    const challenge = this.#challenge;
    if (challenge) {
      this.#challenge = undefined;
      return this.#answerChallenge(challenge);
    }
    // With an auth-token the password is not sent; the username still is, unless auth-token-user came.
    if (hasToken) return { ok: true, credentials: { username: this.#username ?? '', password: this.#password ?? new Secret('') } };
    const staticChallenge = this.policy.staticChallenge;
    if (this.#username !== undefined && this.#password !== undefined && !staticChallenge) {
      return { ok: true, credentials: { username: this.#username, password: this.#password } };
    }
    const asked = await this.prompts.ask({
      kind: staticChallenge ? 'static_challenge' : 'credentials',
      text: staticChallenge?.text ?? this.#credentialsText(),
      echo: staticChallenge?.echo ?? false,
      timeoutSeconds: null,
      ...(this.#username === undefined ? {} : { username: this.#username }),
      needs: { username: this.#username === undefined, password: this.#password === undefined, response: staticChallenge !== undefined },
    }).answer;
    if (!asked) return { ok: false, end: CANCELLED };
    this.#username = asked.username ?? this.#username ?? '';
    this.#password = asked.password ?? this.#password ?? new Secret('');
    const password = staticChallenge ? staticChallengePassword(staticChallenge.format, this.#password, asked.response ?? new Secret('')) : this.#password;
    return { ok: true, credentials: { username: this.#username, password } };
  }

  /** AUTH_FAILED,CRV1: the next attempt first asks this challenge and signs in with its answer. */
  answerChallengeNext(challenge: Crv1): void {
    this.#challenge = challenge;
  }

  /** auth-retry interact after a refusal: the password is asked again, saying why it was refused. */
  askAgain(failure: AuthFailure): void {
    this.#password = undefined;
    const reason = failure.kind === 'plain' ? failure.reason : failure.kind === 'session' ? failure.reason || undefined : undefined;
    this.#refusedBecause = reason ?? 'no reason given';
  }

  /** auth-nocache: the password is gone once the tunnel is up. */
  onConnected(): void {
    this.#refusedBecause = undefined;
    if (this.policy.noCache) this.#password = undefined;
  }

  async #answerChallenge(challenge: Crv1): Promise<AttemptCredentials> {
    const asked = await this.prompts.ask({
      kind: 'dynamic_challenge', text: challenge.challenge, echo: challenge.flags.echo, timeoutSeconds: null,
      username: challenge.username, needs: { username: false, password: false, response: challenge.flags.responseRequired },
    }).answer;
    if (!asked) return { ok: false, end: CANCELLED };
    const response = asked.response?.reveal() ?? '';
    return { ok: true, credentials: { username: challenge.username, password: new Secret(`CRV1::${challenge.stateId}::${response}`) } };
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
