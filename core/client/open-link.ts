import type { ProxyFailure } from '../transport/http-proxy';
import type { SessionEnd } from '../session/events';
import {
  openSocks5UdpLink, openTcpLink, openUdpLink, type HttpProxySettings, type Link, type LinkSinks, type RelayAnnouncer, type Socks5Settings, type TcpProxy, type UdpLinkOpener,
} from '../transport/index';
import type { Secret } from '../wire/secret';
import { err, ok, type Result } from '../wire/result';
import type { RemoteList, ResolvedRemote } from './remote-list';
import { untilAborted } from './until-aborted';

export interface LinkOpeners {
  /** node:dgram's when absent. */
  openUdpLink?: UdpLinkOpener;
  /** The profile's http-proxy, for remotes without their own. */
  httpProxy?: HttpProxySettings;
  /** The profile's socks-proxy, for remotes without their own (a profile never has both). */
  socksProxy?: Socks5Settings;
  /** Hears a SOCKS5 UDP relay's address before the first datagram goes to it (the helper's kill switch). */
  announceSocksRelay?: RelayAnnouncer;
  /** A proxy whose profile line says `stdin`: its username and password (undefined: the user cancelled). */
  proxyCredentials?: ProxyCredentialsSource;
}

export interface ProxyIdentity {
  kind: 'http' | 'socks5';
  host: string;
  port: number;
}

export type ProxyCredentialsSource = (proxy: ProxyIdentity) => Promise<{ username: string; password: Secret } | undefined>;

const PROXY_SIGN_IN_CANCELLED: SessionEnd = { code: 'auth.cancelled', message: 'Signing in to the proxy was cancelled.', fatal: true };

/**
 * An attempt's first steps: resolve the current remote, open a link to it. Failing either
 * ends the attempt (non-fatal, as the C client); an aborted `signal` rejects at once, and a
 * link that opens after that is closed as it arrives.
 */
export async function openRemoteLink(remotes: RemoteList, sinks: LinkSinks, openers: LinkOpeners, signal: AbortSignal): Promise<Result<{ remote: ResolvedRemote; link: Link }, SessionEnd>> {
  let remote: ResolvedRemote;
  try {
    remote = await untilAborted(signal, () => remotes.next());
  } catch (error) {
    if (signal.aborted) throw error;
    return err({ code: 'connect.resolve_failed', message: `Cannot resolve ${remotes.current?.host}: ${(error as Error).message}`, fatal: false, advance: 'remote' });
  }
  const { endpoint, address, family } = remote;
  let socks = endpoint.socksProxy ?? (endpoint.httpProxy ? undefined : openers.socksProxy);
  let http = endpoint.httpProxy ?? (endpoint.socksProxy ? undefined : openers.httpProxy);
  const asking = socks?.askCredentials && socks.username === undefined ? { kind: 'socks5' as const, proxy: socks }
    : http?.askCredentials && http.username === undefined ? { kind: 'http' as const, proxy: http } : undefined;
  if (asking) {
    const given = await untilAborted(signal, async () => openers.proxyCredentials?.({ kind: asking.kind, host: asking.proxy.host, port: asking.proxy.port }));
    if (!given) return err(PROXY_SIGN_IN_CANCELLED);
    if (asking.kind === 'socks5') socks = { ...asking.proxy, ...given };
    else http = { ...asking.proxy, ...given };
  }
  const tcpProxy: TcpProxy | undefined = socks ? { kind: 'socks5', settings: socks } : http ? { kind: 'http', settings: http } : undefined;
  try {
    // UDP through SOCKS5 takes core's node:dgram link even in the helper (socks5-udp-link.ts).
    const link = await untilAborted(signal, () => endpoint.proto === 'tcp' ? openTcpLink(address, endpoint.port, family, sinks, tcpProxy)
      : socks ? openSocks5UdpLink(address, endpoint.port, family, sinks, socks, openers.announceSocksRelay)
        : (openers.openUdpLink ?? openUdpLink)(address, endpoint.port, family, sinks), (late) => late.close());
    return ok({ remote, link });
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: ProxyFailure['code'] }).code;
    return err({ code: code?.startsWith('proxy.') ? code : 'connect.link_failed', message: `Cannot reach ${address}:${endpoint.port}/${endpoint.proto}: ${(error as Error).message}`, fatal: false });
  }
}
