import { Secret } from '../wire/secret';
import type { Credentials } from './session-settings';

export type KeyCredentials = { kind: 'ready'; credentials: Credentials | undefined } | { kind: 'ask' };

/**
 * The username and password one session signs in with, on key id 0 and on every
 * renegotiation (protocol.md §10, §12). With auth-nocache the password is dropped once the
 * tunnel is up: a pushed auth-token stands in for it, and without one the owner is asked
 * again when the next renegotiation needs it (2.6 prompts at that point too).
 */
export class SessionCredentials {
  #credentials: Credentials | undefined;
  #username: string | undefined;
  #connected = false;

  constructor(credentials: Credentials | undefined, private readonly noCache: boolean) {
    this.#credentials = credentials;
    this.#username = credentials?.username;
  }

  /** What the key-method 2 message of a new key sends; `hasToken`: an auth-token replaces the password. */
  forKey(hasToken: boolean): KeyCredentials {
    if (this.#credentials || this.#username === undefined) return { kind: 'ready', credentials: this.#credentials };
    // The token's user is auth-token-user when pushed, else this username (key-exchange.ts).
    if (hasToken) return { kind: 'ready', credentials: { username: this.#username, password: new Secret('') } };
    return { kind: 'ask' };
  }

  /** The owner answered an `ask`. */
  provide(credentials: Credentials): void {
    this.#credentials = credentials;
    this.#username = credentials.username;
  }

  /** A key-method 2 message with the password was written. */
  sent(): void {
    if (this.noCache && this.#connected) this.#credentials = undefined;
  }

  onConnected(): void {
    this.#connected = true;
    this.sent();
  }
}
