/** A broken invariant in our own code — never bad input from a peer or a user. */
export class BugError extends Error {
  override name = 'BugError';
}

/**
 * A protocol failure with a stable code. Non-fatal ones are counted as drops and
 * never thrown; fatal ones end the session with this as the reason.
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    readonly code: string,
    message: string,
    readonly fatal: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
