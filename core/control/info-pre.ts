import { Secret } from '../wire/secret';

/**
 * The EXTRA of `INFO_PRE,<EXTRA>` that follows AUTH_PENDING
 * (ovpn-doc:management-notes.txt "client-pending-auth"):
 *
 *   OPEN_URL:<url>                        (deprecated)
 *   WEB_AUTH:<flags>:<url>                flags comma-separated: proxy=…, hidden, external
 *   WEB_AUTH:proxy=<ip>;<port>;<b64 user>;<b64 pass>,<flags>:<url>   (IPv6 proxy in [])
 *   CR_TEXT:<flags>:<challenge text>      flags comma-separated: E (echo), R (response required)
 */
export interface WebAuthProxy {
  host: string;
  port: number;
  username?: string;
  password?: Secret;
}

export type InfoPre =
  | { kind: 'open_url'; url: string }
  | { kind: 'web_auth'; flags: string[]; url: string; proxy?: WebAuthProxy }
  | { kind: 'cr_text'; echo: boolean; responseRequired: boolean; text: string }
  | { kind: 'other'; text: string };

export function parseInfoPre(extra: string): InfoPre {
  if (extra.startsWith('OPEN_URL:')) return { kind: 'open_url', url: extra.slice('OPEN_URL:'.length) };
  if (extra.startsWith('WEB_AUTH:')) return parseWebAuth(extra.slice('WEB_AUTH:'.length)) ?? { kind: 'other', text: extra };
  if (extra.startsWith('CR_TEXT:')) {
    const body = extra.slice('CR_TEXT:'.length);
    const colon = body.indexOf(':');
    if (colon === -1) return { kind: 'other', text: extra };
    const flags = body.slice(0, colon).split(',');
    return { kind: 'cr_text', echo: flags.includes('E'), responseRequired: flags.includes('R'), text: body.slice(colon + 1) };
  }
  return { kind: 'other', text: extra };
}

function parseWebAuth(body: string): InfoPre | null {
  // The flags end at the first ':' outside [] (a bracketed IPv6 proxy address has colons).
  let depth = 0;
  let end = -1;
  for (let i = 0; i < body.length && end === -1; i++) {
    const c = body[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) end = i;
  }
  if (end === -1) return null;
  const flags: string[] = [];
  let proxy: WebAuthProxy | undefined;
  for (const flag of body.slice(0, end).split(',').filter((f) => f !== '')) {
    if (flag.startsWith('proxy=')) proxy = parseProxy(flag.slice('proxy='.length));
    flags.push(flag.startsWith('proxy=') ? 'proxy' : flag);
  }
  const info: InfoPre = { kind: 'web_auth', flags, url: body.slice(end + 1) };
  if (proxy) info.proxy = proxy;
  return info;
}

function parseProxy(value: string): WebAuthProxy | undefined {
  const [host = '', port = '', user64, pass64] = value.split(';');
  const portNumber = Number(port);
  if (host === '' || !Number.isInteger(portNumber) || portNumber <= 0 || portNumber > 65535) return undefined;
  const proxy: WebAuthProxy = { host: host.replace(/^\[(.*)\]$/, '$1'), port: portNumber };
  if (user64) proxy.username = Buffer.from(user64, 'base64').toString('utf8');
  if (pass64) proxy.password = new Secret(Buffer.from(pass64, 'base64').toString('utf8'));
  return proxy;
}
