import { Secret } from '../../wire/secret';
import { choiceArg, isHostName, portArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';
import { parseUserPass } from '../inline-content';
import { DEFAULT_SOCKS_PORT } from '../constants';
import { proxyOf } from '../profile-draft';
import type { AddressFamily, HttpProxy, TransportProto } from '../profile-types';

/**
 * Remotes, <connection> blocks and the ways to reach a server
 * (ovpn:options.c "remote", "proto", "port", "http-proxy"…;
 * ovpn-doc:man-sections/client-options.rst, proxy-options.rst).
 */

type ProtoChoice = { proto: TransportProto; family: AddressFamily };

// ascii2proto (ovpn:socket.c): the client forms. The *-server forms are refused.
const PROTOS: Record<string, ProtoChoice> = {
  'udp': { proto: 'udp', family: 'any' },
  'udp4': { proto: 'udp', family: 'ipv4' },
  'udp6': { proto: 'udp', family: 'ipv6' },
  'tcp': { proto: 'tcp', family: 'any' },
  'tcp4': { proto: 'tcp', family: 'ipv4' },
  'tcp6': { proto: 'tcp', family: 'ipv6' },
  'tcp-client': { proto: 'tcp', family: 'any' },
  'tcp4-client': { proto: 'tcp', family: 'ipv4' },
  'tcp6-client': { proto: 'tcp', family: 'ipv6' },
};

export function protoArg(ctx: DirectiveContext, index: number): ProtoChoice | undefined {
  const text = ctx.call.args[index];
  if (text === undefined) return undefined;
  const choice = PROTOS[text.toLowerCase()];
  if (choice !== undefined) return choice;
  if (/^tcp[46]?-server$/i.test(text)) {
    ctx.report('config.unsupported_value', 'error', `${ctx.call.name} ${text} makes OpenVPN wait for connections, as a server does.`,
      { argIndex: index, hint: 'Use proto tcp (or tcp-client) in a client profile.' });
    return undefined;
  }
  ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${text}" is not a protocol (udp, tcp, udp4, udp6, tcp4, tcp6, tcp-client…).`, { argIndex: index });
  return undefined;
}

function hostArg(ctx: DirectiveContext, index: number): string | undefined {
  const host = ctx.call.args[index];
  if (host === undefined) return undefined;
  if (isHostName(host)) return host;
  ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${host}" is not a host name or IP address.`, { argIndex: index });
  return undefined;
}

const remote: SupportedSpec = {
  name: 'remote', category: 'supported', family: 'remote', minArgs: 1, maxArgs: 3, connection: true, repeatable: true,
  apply(ctx) {
    const host = hostArg(ctx, 0);
    const port = ctx.call.args[1] === undefined ? undefined : portArg(ctx, 1);
    const proto = protoArg(ctx, 2);
    if (host === undefined) return;
    const entry = { host, line: ctx.call.line, ...(port === undefined ? {} : { port }), ...(proto === undefined ? {} : { proto }) };
    if (!ctx.inConnection) {
      ctx.draft.remoteLines.push(entry);
      return;
    }
    if (ctx.conn.remote !== undefined) {
      ctx.report('config.duplicate_directive', 'warning', `This <connection> block already has a remote (line ${ctx.conn.remote.line}); only the last one is used.`,
        { hint: 'Give each remote its own <connection> block.' });
    }
    ctx.conn.remote = entry;
  },
};

function simple(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void, connection = false): SupportedSpec {
  return { name, category: 'supported', family: 'remote', minArgs, maxArgs, connection, apply };
}

const HTTP_PROXY_METHODS = ['none', 'basic', 'ntlm', 'ntlm2', 'digest'] as const;

// http-proxy HOST PORT [authfile|auto|auto-nct] [auth-method] (ovpn:options.c "http-proxy").
/** OpenVPN's word, in place of a proxy's credentials file, for "ask the user". */
const ASK_AT_CONNECT = 'stdin';

function applyHttpProxy(ctx: DirectiveContext): void {
  const host = hostArg(ctx, 0);
  const port = ctx.call.args[1] === undefined ? undefined : portArg(ctx, 1);
  if (ctx.call.args[1] === undefined) ctx.report('config.bad_arguments', 'error', 'http-proxy needs a host and a port.', { hint: 'Write http-proxy HOST PORT.' });
  if (host === undefined || port === undefined) return;
  const proxy = proxyOf(ctx.conn);
  proxy.host = host;
  proxy.port = port;
  const third = ctx.call.args[2];
  if (third === 'auto' || third === 'auto-nct') {
    proxy.authMethod = third;
  } else if (third !== undefined) {
    const method = ctx.call.args[3] === undefined ? 'basic' : choiceArg(ctx, 3, HTTP_PROXY_METHODS);
    if (method !== undefined) proxy.authMethod = method === 'ntlm2' ? 'ntlm' : method;
    // `stdin`: OpenVPN asks on its console; we ask the user at connect, as for auth-user-pass.
    if (third === ASK_AT_CONNECT) proxy.askCredentials = true;
    else setProxyCredentials(ctx, proxy, ctx.fileText(2));
  }
}

function setProxyCredentials(ctx: DirectiveContext, proxy: HttpProxy, text: string | undefined): void {
  if (text === undefined) return;
  const creds = parseUserPass(ctx, text);
  if (creds === undefined) return;
  proxy.credentials = { username: creds.username, password: new Secret(creds.password ?? '') };
  if (proxy.authMethod === 'none') proxy.authMethod = 'basic';
}

// http-proxy-option VERSION x | AGENT x | CUSTOM-HEADER name [value] (ovpn:options.c).
function applyHttpProxyOption(ctx: DirectiveContext): void {
  const [kind, first, second] = ctx.call.args;
  const proxy = proxyOf(ctx.conn);
  if (kind === 'VERSION' && first !== undefined && second === undefined) proxy.httpVersion = first;
  else if (kind === 'AGENT' && first !== undefined && second === undefined) proxy.userAgent = first;
  else if (kind === 'CUSTOM-HEADER' && first !== undefined) proxy.customHeaders.push({ name: first, value: second ?? '' });
  else if (kind === 'EXT1' || kind === 'EXT2') {
    ctx.report('config.directive_ignored', 'info', `http-proxy-option ${kind} is obsolete and has no effect.`, { argIndex: 0 });
  } else {
    ctx.report('config.bad_value', 'error', `http-proxy-option: "${ctx.call.args.join(' ')}" is not VERSION x, AGENT x or CUSTOM-HEADER name [value].`, { argIndex: 0 });
  }
}

// socks-proxy HOST [PORT] [authfile|stdin] (ovpn:options.c "socks-proxy"; port 1080 by default).
// The authfile is read as http-proxy's is: a file beside the profile, username then password;
// `stdin` asks for them at connect.
function applySocksProxy(ctx: DirectiveContext): void {
  const host = hostArg(ctx, 0);
  const port = ctx.call.args[1] === undefined ? DEFAULT_SOCKS_PORT : portArg(ctx, 1);
  if (host === undefined || port === undefined) return;
  ctx.conn.socksProxy = { host, port, line: ctx.call.line };
  if (ctx.call.args[2] === ASK_AT_CONNECT) ctx.conn.socksProxy.askCredentials = true;
  else if (ctx.call.args[2] !== undefined) setSocksCredentials(ctx, ctx.fileText(2));
}

function setSocksCredentials(ctx: DirectiveContext, text: string | undefined): void {
  if (text === undefined) return;
  const creds = parseUserPass(ctx, text);
  if (creds === undefined) return;
  ctx.conn.socksProxy ??= { host: '', port: DEFAULT_SOCKS_PORT, line: ctx.call.line };
  ctx.conn.socksProxy.credentials = { username: creds.username, password: new Secret(creds.password ?? '') };
}

export const REMOTE_DIRECTIVES: readonly DirectiveSpec[] = [
  remote,
  // Read by the directive reader as a block; listed so the table knows it.
  simple('connection', 1, 1, () => undefined),
  simple('remote-random', 0, 0, (ctx) => { ctx.draft.remoteRandom = true; }),
  simple('remote-random-hostname', 0, 0, (ctx) => { ctx.draft.remoteRandomHostname = true; }),
  simple('proto', 1, 1, (ctx) => {
    const choice = protoArg(ctx, 0);
    if (choice !== undefined) ctx.conn.proto = choice;
  }, true),
  simple('port', 1, 1, (ctx) => {
    const port = portArg(ctx, 0);
    if (port !== undefined) ctx.conn.port = port;
  }, true),
  simple('rport', 1, 1, (ctx) => {
    const port = portArg(ctx, 0);
    if (port !== undefined) ctx.conn.port = port;
  }, true),
  simple('http-proxy', 2, 4, applyHttpProxy, true),
  { ...simple('http-proxy-option', 1, 3, applyHttpProxyOption, true), repeatable: true },
  { ...simple('http-proxy-user-pass', 1, 1, (ctx) => setProxyCredentials(ctx, proxyOf(ctx.conn), ctx.fileText(0))), inline: true },
  simple('socks-proxy', 1, 3, applySocksProxy, true),
  // Postern's inline form of socks-proxy's authfile (embed-files.ts writes it after socks-proxy).
  { ...simple('socks-proxy-user-pass', 1, 1, (ctx) => setSocksCredentials(ctx, ctx.fileText(0)), true), inline: true },
];
