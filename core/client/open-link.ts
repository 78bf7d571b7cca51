import type { ProxyFailure } from '../transport/http-proxy';
import type { SessionEnd } from '../session/events';
import { openTcpLink, openUdpLink, type HttpProxySettings, type Link, type LinkSinks, type UdpLinkOpener } from '../transport/index';
import { err, ok, type Result } from '../wire/result';
import type { RemoteList, ResolvedRemote } from './remote-list';
import { untilAborted } from './until-aborted';

export interface LinkOpeners {
  /** node:dgram's when absent. */
  openUdpLink?: UdpLinkOpener;
  /** The profile's http-proxy, for remotes without their own. */
  httpProxy?: HttpProxySettings;
}

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
  try {
    const link = await untilAborted(signal, () => endpoint.proto === 'udp'
      ? (openers.openUdpLink ?? openUdpLink)(address, endpoint.port, family, sinks)
      : openTcpLink(address, endpoint.port, family, sinks, endpoint.httpProxy ?? openers.httpProxy), (late) => late.close());
    return ok({ remote, link });
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: ProxyFailure['code'] }).code;
    return err({ code: code?.startsWith('proxy.') ? code : 'connect.link_failed', message: `Cannot reach ${address}:${endpoint.port}/${endpoint.proto}: ${(error as Error).message}`, fatal: false });
  }
}
