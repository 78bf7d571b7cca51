import type { AppliedTunnel } from '../../../../electron/api/app-api';
import { useNowMs } from '../../components/use-now';
import { formatDuration } from '../../format';

/** Where the tunnel goes and what it got: server, addresses, cipher, how long it has been up. */
export function TunnelDetails({ tunnel, connectedAtMs }: { tunnel: AppliedTunnel; connectedAtMs: number | null }) {
  const now = useNowMs();
  return (
    <dl className="tunnel-details">
      <dt>Server</dt><dd data-testid="connection-server">{serverText(tunnel.server)}</dd>
      <dt>Your IPv4 address</dt><dd data-testid="assigned-ipv4">{tunnel.ipv4 ?? '—'}</dd>
      {tunnel.ipv6 && <><dt>Your IPv6 address</dt><dd data-testid="assigned-ipv6">{tunnel.ipv6}</dd></>}
      <dt>Cipher</dt><dd data-testid="connection-cipher">{tunnel.cipher}</dd>
      <dt>Connected for</dt><dd data-testid="connection-duration">{formatDuration(connectedAtMs === null ? 0 : now - connectedAtMs)}</dd>
    </dl>
  );
}

/** `vpn.example.org (203.0.113.7:1194/udp)`, or just the address when the profile named one. */
export function serverText(server: AppliedTunnel['server']): string {
  const where = `${server.address}:${server.port}/${server.proto}`;
  return server.host === server.address ? where : `${server.host} (${where})`;
}
