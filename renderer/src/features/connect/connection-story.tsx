import type { ConnectionTimeline } from '../../../../electron/api/app-api';
import { phaseText, reconnectText, renegotiationCountText, renegotiationText } from '../history/story-text';
import { usePosternStore } from '../../store/use-postern-store';

/**
 * "Connection details": the current connection's timeline as main tells it, each phase of the
 * way up with how long it took, then each reconnect with its cause and how long it was gone,
 * then the renewals of its keys (renegotiations): how many, and the last few with who started
 * each and how long it took. Collapsed by default (a native <details>, so the keyboard opens it).
 */
/** Renegotiations listed; an hourly reneg-sec gives a day's worth in a count, not a list. */
export const RENEGOTIATIONS_SHOWN = 5;

export function ConnectionStory({ sessionId }: { sessionId: string }) {
  const timeline = usePosternStore((s) => s.timeline);
  if (!timeline || timeline.sessionId !== sessionId || timeline.phases.length === 0) return null;
  return (
    <details className="connection-story" data-testid="connection-story">
      <summary>Connection details</summary>
      <ol className="story-list" data-testid="timeline-phases" aria-label="How the connection came up">
        {timeline.phases.map((phase, i) => <li key={i} data-state={phase.state}>{phaseText(phase, timeline.connectedAtMs)}</li>)}
      </ol>
      {timeline.reconnects.length > 0 && (
        <ol className="story-list" data-testid="timeline-reconnects" aria-label="Reconnects">
          {timeline.reconnects.map((r) => (
            <li key={r.atMs} data-code={r.code}>
              <time dateTime={new Date(r.atMs).toISOString()}>{new Date(r.atMs).toLocaleTimeString()}</time> {reconnectText(r)}
            </li>
          ))}
        </ol>
      )}
      {timeline.renegotiationCount > 0 && <Renegotiations timeline={timeline} />}
    </details>
  );
}

function Renegotiations({ timeline }: { timeline: ConnectionTimeline }) {
  const shown = timeline.renegotiations.slice(-RENEGOTIATIONS_SHOWN);
  return (
    <section aria-label="Key renewals" data-testid="timeline-renegotiations">
      <p className="story-note" data-testid="timeline-renegotiation-count">{renegotiationCountText(timeline.renegotiationCount, shown.length)}</p>
      <ol className="story-list">
        {shown.map((r) => (
          <li key={`${r.atMs}-${r.keyId}`} data-cause={r.cause}>
            <time dateTime={new Date(r.atMs).toISOString()}>{new Date(r.atMs).toLocaleTimeString()}</time> {renegotiationText(r)}
          </li>
        ))}
      </ol>
    </section>
  );
}
