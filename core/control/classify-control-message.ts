import {
  MSG_AUTH_FAILED, MSG_AUTH_PENDING, MSG_CR_RESPONSE, MSG_EXIT, MSG_HALT, MSG_INFO, MSG_INFO_PRE,
  MSG_PUSH_PREFIX, MSG_PUSH_REPLY, MSG_RESTART,
} from './constants';
import { parseInfoPre } from './info-pre';
import type { InfoPre } from './info-pre';

export type { InfoPre } from './info-pre';

/** Why AUTH_FAILED (ovpn:push.c receive_auth_failed, options_util.c parse_auth_failed_temp). */
export type AuthFailure =
  /** `AUTH_FAILED[,reason]`: drop a cached auth-token and retry with credentials, else stop (auth-retry). */
  | { kind: 'plain'; reason?: string }
  /** `AUTH_FAILED,SESSION:…`: the auth-token expired. */
  | { kind: 'session'; reason: string }
  /** `AUTH_FAILED,TEMP[backoff S,advance no|addr|remote]:msg`: retry later. */
  | { kind: 'temp'; backoffSeconds?: number; advance?: 'no' | 'addr' | 'remote'; message: string }
  /** `AUTH_FAILED,CRV1:flags:state_id:b64(user):challenge`: dynamic challenge; reconnect with the answer. */
  | {
    kind: 'crv1';
    flags: { responseRequired: boolean; echo: boolean };
    stateId: string;
    username: string;
    challenge: string;
  };

export interface SignalFlags {
  /** `P`: keep cached credentials (without it 2.x purges them). */
  preserveCredentials: boolean;
  /** `N`: advance to the next server. */
  advanceRemote: boolean;
}

export type ControlMessage =
  | { kind: 'push_reply'; text: string }
  | { kind: 'auth_failed'; failure: AuthFailure }
  | { kind: 'auth_pending'; timeoutSeconds?: number }
  | { kind: 'info_pre'; info: InfoPre }
  | { kind: 'info'; text: string }
  | { kind: 'restart'; flags: SignalFlags; message: string }
  | { kind: 'halt'; flags: SignalFlags; message: string }
  | { kind: 'exit' }
  /** Anything else, including server-bound messages (PUSH_REQUEST, CR_RESPONSE) and PUSH_UPDATE. */
  | { kind: 'unknown'; text: string };

/** Classifies one message (already split at its NUL) by prefix, in 2.x's order. */
export function classifyControlMessage(text: string): ControlMessage {
  if (text.startsWith(MSG_AUTH_FAILED)) return { kind: 'auth_failed', failure: parseAuthFailed(text) };
  if (text.startsWith(MSG_PUSH_PREFIX)) {
    const rest = text.slice(MSG_PUSH_REPLY.length);
    const isReply = text.startsWith(MSG_PUSH_REPLY) && (rest === '' || rest.startsWith(','));
    return isReply ? { kind: 'push_reply', text } : { kind: 'unknown', text };
  }
  if (text.startsWith(MSG_RESTART)) return { kind: 'restart', ...parseSignal(argument(text, MSG_RESTART)) };
  if (text.startsWith(MSG_HALT)) return { kind: 'halt', ...parseSignal(argument(text, MSG_HALT)) };
  if (text.startsWith(MSG_INFO_PRE)) return { kind: 'info_pre', info: parseInfoPre(argument(text, MSG_INFO_PRE)) };
  if (text.startsWith(MSG_INFO)) return { kind: 'info', text: argument(text, MSG_INFO) };
  if (text.startsWith(MSG_CR_RESPONSE)) return { kind: 'unknown', text };
  if (text.startsWith(MSG_AUTH_PENDING)) return parseAuthPending(argument(text, MSG_AUTH_PENDING));
  if (text.startsWith(MSG_EXIT)) return { kind: 'exit' };
  return { kind: 'unknown', text };
}

/** The text after `PREFIX,`; '' when the comma or the text is missing (ovpn:push.c server_pushed_info). */
function argument(text: string, prefix: string): string {
  return text.charAt(prefix.length) === ',' ? text.slice(prefix.length + 1) : '';
}

function parseAuthFailed(text: string): AuthFailure {
  const reason = argument(text, MSG_AUTH_FAILED);
  if (reason === '') return { kind: 'plain' };
  if (reason.startsWith('TEMP')) return parseTemp(reason.slice('TEMP'.length));
  if (reason.startsWith('SESSION')) return { kind: 'session', reason: reason.slice('SESSION'.length).replace(/^:\s*/, '') };
  if (reason.startsWith('CRV1:')) return parseCrv1(reason) ?? { kind: 'plain', reason };
  return { kind: 'plain', reason };
}

/** `[backoff 30,advance remote]:message` or `:message` or nothing. */
function parseTemp(rest: string): AuthFailure {
  const failure: AuthFailure & { kind: 'temp' } = { kind: 'temp', message: '' };
  let message = rest;
  const close = rest.indexOf(']');
  if (rest.startsWith('[') && close !== -1) {
    for (const token of rest.slice(1, close).split(',')) {
      const backoff = /^backoff (\d+)$/.exec(token);
      if (backoff?.[1] !== undefined) failure.backoffSeconds = Number(backoff[1]);
      const advance = /^advance (no|addr|remote)$/.exec(token);
      if (advance?.[1] !== undefined) failure.advance = advance[1] as 'no' | 'addr' | 'remote';
    }
    message = rest.slice(close + 1);
  }
  failure.message = message.startsWith(':') ? message.slice(1) : '';
  return failure;
}

/** `CRV1:R,E:state_id:base64(username):challenge text` (ovpn:misc.c parse_auth_challenge). */
function parseCrv1(reason: string): AuthFailure | null {
  const fields = reason.split(':');
  if (fields.length < 5) return null;
  const [, flags = '', stateId = '', user64 = ''] = fields;
  return {
    kind: 'crv1',
    flags: { responseRequired: flags.includes('R'), echo: flags.includes('E') },
    stateId,
    username: Buffer.from(user64, 'base64').toString('utf8'),
    challenge: fields.slice(4).join(':'),
  };
}

/** `[PN]message`: flags only in a leading bracket (ovpn:push.c server_pushed_signal). */
function parseSignal(argumentText: string): { flags: SignalFlags; message: string } {
  const flags = { preserveCredentials: false, advanceRemote: false };
  if (!argumentText.startsWith('[')) return { flags, message: argumentText };
  const close = argumentText.indexOf(']');
  const flagText = argumentText.slice(1, close === -1 ? undefined : close);
  flags.preserveCredentials = flagText.includes('P');
  flags.advanceRemote = flagText.includes('N');
  return { flags, message: close === -1 ? '' : argumentText.slice(close + 1) };
}

/** `AUTH_PENDING[,timeout N][,other keywords]` (ovpn:push.c parse_auth_pending_keywords). */
function parseAuthPending(keywords: string): ControlMessage {
  const message: ControlMessage & { kind: 'auth_pending' } = { kind: 'auth_pending' };
  for (const keyword of keywords.split(',')) {
    const timeout = /^timeout (\d+)/.exec(keyword);
    if (timeout?.[1] !== undefined) message.timeoutSeconds = Number(timeout[1]);
  }
  return message;
}
