import { choiceArg, intArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';

/**
 * The client role, the device, peer-info variables, MTU, and the directives that
 * steer parsing itself (ovpn:options.c "client", "dev", "setenv",
 * "ignore-unknown-option"; protocol.md §5 for peer-info).
 */

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void,
  extra: Partial<Pick<SupportedSpec, 'connection' | 'repeatable'>> = {}): SupportedSpec {
  return { name, category: 'supported', family: 'general', minArgs, maxArgs, apply, ...extra };
}

// setenv NAME [VALUE]: only a few names mean something without scripts.
// (`setenv opt X` is unwrapped before this handler sees it.)
function applySetenv(ctx: DirectiveContext): void {
  const [name = '', value = ''] = ctx.call.args;
  if (name === 'IV_GUI_VER' || name.startsWith('UV_')) {
    ctx.draft.peerInfo.extra[name] = value;
  } else if (name === 'PUSH_PEER_INFO') {
    ctx.draft.peerInfo.pushPeerInfo = true;
  } else if (name === 'FORWARD_COMPATIBLE') {
    ctx.draft.forwardCompatible = value === '1';
  } else if (name.startsWith('IV_')) {
    ctx.report('config.directive_ignored', 'warning', `setenv ${name}: Postern announces its own IV_ variables; only IV_GUI_VER and UV_* are passed on.`, { argIndex: 0 });
  } else {
    ctx.report('config.directive_ignored', 'info', `setenv ${name} only sets a variable for scripts, and Postern never runs scripts.`, { argIndex: 0 });
  }
}

function applyIgnoreUnknown(ctx: DirectiveContext): void {
  for (const name of ctx.call.args) ctx.draft.ignoreUnknown.add(name.startsWith('--') ? name.slice(2) : name);
}

// dev tun|tunN|tap|null…: the type comes from dev-type, else from the name's prefix (ovpn:tun.c dev_type_enum).
function applyDev(ctx: DirectiveContext): void {
  const name = ctx.call.args[0] ?? '';
  ctx.draft.dev = { name, line: ctx.call.line, column: ctx.call.argColumns[0] ?? ctx.call.column };
}

function applyDevType(ctx: DirectiveContext): void {
  const type = choiceArg(ctx, 0, ['tun', 'tap', 'null'] as const);
  if (type !== undefined) ctx.draft.devType = { type, line: ctx.call.line, column: ctx.call.argColumns[0] ?? ctx.call.column };
}

// mssfix [BYTES] [mtu|fixed]: no value means the default (1492, outer headers included);
// a bare number is the UDP payload size (2.6); 0 turns it off.
function applyMssfix(ctx: DirectiveContext): void {
  const [size, flag] = ctx.call.args;
  const bytes = size === undefined ? 1492 : intArg(ctx, 0, 0, 65535, 'a size in bytes');
  const mode = flag !== undefined ? choiceArg(ctx, 1, ['mtu', 'fixed'] as const) : size === undefined ? 'default' : 'payload';
  if (bytes !== undefined && mode !== undefined) ctx.conn.mssfix = { bytes, mode };
}

export const GENERAL_DIRECTIVES: readonly DirectiveSpec[] = [
  spec('client', 0, 0, (ctx) => { ctx.draft.client = true; }),
  spec('pull', 0, 0, (ctx) => { ctx.draft.pull = true; }),
  spec('tls-client', 0, 0, (ctx) => { ctx.draft.tlsClient = true; }),
  spec('mode', 1, 1, (ctx) => {
    if (ctx.call.args[0] === 'server') {
      ctx.report('config.server_directive', 'error', 'mode server makes this a server configuration, not a client profile.', { hint: 'Import the client profile (.ovpn) your server administrator gave you.' });
      return;
    }
    choiceArg(ctx, 0, ['p2p'] as const);
  }),
  spec('dev', 1, 1, applyDev),
  spec('dev-type', 1, 1, applyDevType),
  spec('setenv', 1, 2, applySetenv, { repeatable: true }),
  spec('ignore-unknown-option', 1, 64, applyIgnoreUnknown, { repeatable: true }),
  spec('push-peer-info', 0, 0, (ctx) => { ctx.draft.peerInfo.pushPeerInfo = true; }),
  spec('tun-mtu', 1, 2, (ctx) => {
    const bytes = intArg(ctx, 0, 576, 65535, 'a size in bytes');
    if (bytes !== undefined) ctx.conn.tunMtuBytes = bytes;
  }, { connection: true }),
  spec('mssfix', 0, 2, applyMssfix, { connection: true }),
];
