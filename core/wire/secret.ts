import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password, OTP, private key or auth token. Printing, logging or serialising it
 * shows `[redacted]`; only `reveal()` at the point of use gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
