import { useEffect, useState } from 'react';
import type { ProfileEntry } from '../../../electron/api/app-api';
import { stateWords } from '../store/app-store';
import { formatBytes, formatRate } from '../store/stats-ring';
import { useApp } from '../store/use-app';
import { TrafficGraph } from './TrafficGraph';

const BUSY = new Set(['idle', 'resolving', 'connecting', 'tls_handshake', 'authenticating', 'auth_pending', 'pulling_config', 'configuring', 'reconnecting', 'disconnecting']);

/** One big connect/disconnect control, the phase while connecting, and the tunnel once up. */
export function ConnectionPanel({ profile }: { profile: ProfileEntry | undefined }) {
  const session = useApp((s) => s.snapshot?.session);
  const helperUp = useApp((s) => s.snapshot?.helper.state === 'connected');
  const connect = useApp((s) => s.connect);
  const disconnect = useApp((s) => s.disconnect);
  const active = session && session.state !== 'disconnected' ? session : undefined;
  const mine = active !== undefined && active.profileName === profile?.name;
  if (!profile) return <div className="connection empty">Import a profile to connect.</div>;
  return (
    <div className="connection">
      <h2>{profile.name}</h2>
      <p className="remotes">{profile.remotes.join(', ')}</p>
      {mine ? (
        <button type="button" className="big-button disconnect" data-testid="disconnect-button" onClick={() => void disconnect()} disabled={active.state === 'disconnecting'}>
          {active.state === 'connected' ? 'Disconnect' : 'Cancel'}
        </button>
      ) : (
        <button type="button" className="big-button connect" data-testid="connect-button" disabled={!helperUp || active !== undefined} onClick={() => void connect(profile.id)}>
          Connect
        </button>
      )}
      {mine && BUSY.has(active.state) && <Phase state={active.state} sinceMs={active.startedAtMs} />}
      {mine && active.state === 'connected' && active.tunnel && (
        <dl className="tunnel-details">
          <dt>Server</dt><dd>{serverText(active.tunnel.server)}</dd>
          <dt>Your address</dt><dd data-testid="assigned-ipv4">{active.tunnel.ipv4 ?? '—'}</dd>
          {active.tunnel.ipv6 && <><dt>IPv6</dt><dd data-testid="assigned-ipv6">{active.tunnel.ipv6}</dd></>}
          <dt>Cipher</dt><dd data-testid="connection-cipher">{active.tunnel.cipher}</dd>
          <dt>Connected for</dt><dd><Duration sinceMs={active.connectedAtMs ?? Date.now()} /></dd>
        </dl>
      )}
      {mine && active.state === 'connected' && <Traffic />}
    </div>
  );
}

function Phase({ state, sinceMs }: { state: string; sinceMs: number }) {
  return <p className="phase" data-testid="connection-phase" data-state={state}>{stateWords(state)}… <Duration sinceMs={sinceMs} /></p>;
}

function Duration({ sinceMs }: { sinceMs: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - sinceMs) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return <span>{h > 0 ? `${h} h ` : ''}{m > 0 || h > 0 ? `${m} min ` : ''}{seconds % 60} s</span>;
}

function Traffic() {
  const samples = useApp((s) => s.samples);
  const stats = useApp((s) => s.stats);
  const last = samples.at(-1);
  return (
    <section className="traffic" aria-label="Traffic">
      <div className="traffic-figures">
        <span>Down <strong data-testid="rate-in">{formatRate(last?.inBitsPerSecond ?? 0)}</strong></span>
        <span>Up <strong data-testid="rate-out">{formatRate(last?.outBitsPerSecond ?? 0)}</strong></span>
        <span>Received <strong data-testid="total-in">{formatBytes(stats?.bytesIn ?? 0)}</strong></span>
        <span>Sent <strong data-testid="total-out">{formatBytes(stats?.bytesOut ?? 0)}</strong></span>
      </div>
      <TrafficGraph samples={samples} />
    </section>
  );
}

/** `vpn.example.org (203.0.113.7:1194/udp)`, or just the address when the profile named one. */
function serverText(server: { host: string; address: string; port: number; proto: string }): string {
  const where = `${server.address}:${server.port}/${server.proto}`;
  return server.host === server.address ? where : `${server.host} (${where})`;
}
