import { useNowMs } from '../../components/use-now';
import { formatDuration, formatPhaseMs } from '../../format';
import { stateText } from '../../state-text';
import { selectActiveConnection, selectElapsedMs } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';

/** "Signing in… 4 s", and how long each earlier phase took. */
export function PhaseLine() {
  const active = usePosternStore(selectActiveConnection);
  const phases = usePosternStore((s) => s.phases);
  const now = useNowMs();
  const elapsedMs = usePosternStore((s) => selectElapsedMs(s, now));
  if (!active) return null;
  const done = phases.filter((p) => p.durationMs !== null);
  return (
    <div className="phase">
      <p data-testid="connection-phase" data-state={active.state}>
        {stateText(active.state)}… <span data-testid="connection-elapsed">{formatDuration(elapsedMs)}</span>
      </p>
      {done.length > 0 && (
        <ol className="phase-timings" data-testid="connection-timings" aria-label="Steps so far">
          {done.map((p, i) => <li key={i} data-state={p.state}>{stateText(p.state)}: {formatPhaseMs(p.durationMs ?? 0)}</li>)}
        </ol>
      )}
    </div>
  );
}
