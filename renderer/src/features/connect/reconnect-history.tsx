import { reconnectCauseText } from '../../../../electron/api/words';
import { formatDuration } from '../../format';
import { usePosternStore } from '../../store/use-postern-store';

/**
 * Every time this session's tunnel came back: when, why it went, how long it was gone. Nothing
 * while there was none; the newest first, the last five shown (the store keeps twenty).
 */
export function ReconnectHistory() {
  const reconnects = usePosternStore((s) => s.reconnects);
  if (reconnects.length === 0) return null;
  const times = reconnects.length === 1 ? 'once' : `${reconnects.length} times`;
  return (
    <section className="reconnect-history" aria-label="Reconnects" data-testid="reconnect-history">
      <h3>Reconnected {times}</h3>
      <ol>
        {[...reconnects].reverse().slice(0, 5).map((reconnect) => (
          <li key={reconnect.atMs} data-code={reconnect.code}>
            <time dateTime={new Date(reconnect.atMs).toISOString()}>{new Date(reconnect.atMs).toLocaleTimeString()}</time>
            {' '}because {reconnectCauseText(reconnect.code)}; back after {formatDuration(reconnect.tookMs)}
          </li>
        ))}
      </ol>
    </section>
  );
}
