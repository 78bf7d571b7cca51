import type { AuthFailure, ControlMessage } from '../control/classify-control-message';
import type { SessionEndCode } from './codes';
import type { SessionEnd } from './events';

/** One code per AUTH_FAILED kind, spelled out (no codes built at run time). */
const AUTH_FAILED_CODES = {
  plain: 'auth.failed_plain', session: 'auth.failed_session', temp: 'auth.failed_temp', crv1: 'auth.failed_crv1',
} as const satisfies Record<AuthFailure['kind'], SessionEndCode>;

/** How a control message from the server ends the session, if it does (AUTH_FAILED, RESTART, HALT, EXIT). */
export function endForServerMessage(message: ControlMessage): SessionEnd | undefined {
  switch (message.kind) {
    case 'auth_failed': {
      const failure = message.failure;
      return {
        code: AUTH_FAILED_CODES[failure.kind], message: serverReason(failure), fatal: failure.kind !== 'temp',
        backoffSeconds: failure.kind === 'temp' ? failure.backoffSeconds : undefined,
        // TEMP stays on the same server unless told otherwise (ovpn:push.c receive_auth_failed sets no_advance).
        advance: failure.kind === 'temp' ? failure.advance ?? 'no' : undefined,
      };
    }
    case 'restart':
      return { code: 'server.restart', message: message.message || 'The server asked us to reconnect.', fatal: false, advance: message.flags.advanceRemote ? 'remote' : 'no' };
    case 'halt':
      return { code: 'server.halt', message: message.message || 'The server told us to stop.', fatal: true };
    case 'exit':
      return serverExit();
    default:
      return undefined;
  }
}

/** EXIT on the control channel, or OCC_EXIT on the data channel. */
export function serverExit(): SessionEnd {
  return { code: 'server.exit', message: 'The server is shutting down or restarting.', fatal: false };
}

/**
 * What the server said, as data: its reason (or TEMP's message, or the CRV1 challenge), for
 * logs and for the words the window and the CLI put around the code. core writes no
 * sentences of its own here; `AUTH_FAILED` when the server gave no reason.
 */
function serverReason(failure: AuthFailure): string {
  switch (failure.kind) {
    case 'plain': return failure.reason || 'AUTH_FAILED';
    case 'session': return failure.reason || 'AUTH_FAILED,SESSION';
    case 'temp': return failure.message || 'AUTH_FAILED,TEMP';
    case 'crv1': return failure.challenge;
  }
}
