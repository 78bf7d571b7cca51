import type { ProfileEntry } from '../../../../electron/api/app-api';
import { selectActiveConnection, selectHelperUp } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';
import { TrafficPanel } from '../traffic-graph/traffic-panel';
import { ConnectionStory } from './connection-story';
import { LeakBadge } from './leak-badge';
import { PhaseLine } from './phase-line';
import { ReconnectHistory } from './reconnect-history';
import { TunnelDetails } from './tunnel-details';

/** One big connect/disconnect control, the phase while connecting, and the tunnel (with its leak check) once up. */
export function ConnectionPanel({ profile }: { profile: ProfileEntry | undefined }) {
  const active = usePosternStore(selectActiveConnection);
  if (!profile) {
    return <section className="connection panel empty" aria-label="Connection">Import a profile to connect.</section>;
  }
  const mine = active !== null && active.profileName === profile.name;
  return (
    <section className="connection panel" aria-labelledby="connection-heading">
      <h2 id="connection-heading">{profile.name}</h2>
      <p className="remotes">{profile.remotes.join(', ')}</p>
      <BigButton profile={profile} mine={mine} />
      {mine && active.state !== 'connected' && <PhaseLine />}
      {mine && active.state === 'connected' && <LeakBadge />}
      {mine && active.state === 'connected' && active.tunnel && <TunnelDetails tunnel={active.tunnel} connectedAtMs={active.connectedAtMs} />}
      {mine && <ReconnectHistory />}
      {mine && <ConnectionStory sessionId={active.sessionId} />}
      {mine && active.state === 'connected' && <TrafficPanel />}
      {active && !mine && <p className="other-session">{active.profileName} is connected now. Disconnect it first to use this profile.</p>}
    </section>
  );
}

function BigButton({ profile, mine }: { profile: ProfileEntry; mine: boolean }) {
  const active = usePosternStore(selectActiveConnection);
  const helperUp = usePosternStore(selectHelperUp);
  const connect = usePosternStore((s) => s.connect);
  const disconnect = usePosternStore((s) => s.disconnect);
  if (mine && active) {
    const connected = active.state === 'connected';
    return (
      <button type="button" className="big-button disconnect" data-testid="disconnect-button" disabled={active.state === 'disconnecting'}
        aria-label={connected ? `Disconnect from ${profile.name}` : `Stop connecting to ${profile.name}`} onClick={() => void disconnect()}>
        {connected ? 'Disconnect' : 'Stop'}
      </button>
    );
  }
  return (
    <button type="button" className="big-button connect" data-testid="connect-button" disabled={!helperUp || active !== null}
      aria-label={`Connect to ${profile.name}`} onClick={() => void connect(profile.id)}>
      Connect
    </button>
  );
}
