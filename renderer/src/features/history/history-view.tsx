import { usePosternStore } from '../../store/use-postern-store';
import { endText, usageText } from './story-text';

/**
 * The last connections, newest first: when, how long, bytes each way, and how each ended in
 * plain words with the next step; and "Save diagnostics…" for sending an admin the whole story.
 */
export function HistoryView() {
  const history = usePosternStore((s) => s.history);
  const diagnostics = usePosternStore((s) => s.diagnostics);
  const save = usePosternStore((s) => s.saveDiagnostics);
  return (
    <section className="history panel" aria-labelledby="history-heading" data-testid="history">
      <div className="history-header">
        <h2 id="history-heading">History</h2>
        <button type="button" data-testid="save-diagnostics" disabled={diagnostics.state === 'saving'} onClick={() => void save()}>
          {diagnostics.state === 'saving' ? 'Saving diagnostics…' : 'Save diagnostics…'}
        </button>
      </div>
      <p className="diagnostics-saved" role="status" data-testid="diagnostics-status">
        {diagnostics.state === 'saved' ? `Diagnostics saved to ${diagnostics.path}` : diagnostics.state === 'cancelled' ? 'Diagnostics not saved.' : ''}
      </p>
      {history.length === 0 ? <p className="empty">No connections yet.</p> : (
        <ol className="history-list" data-testid="history-list">
          {history.map((entry) => (
            <li key={`${entry.startedAtMs}-${entry.profileName}`} data-end-code={entry.endCode ?? 'user'}>
              <span className="history-when">
                <strong>{entry.profileName}</strong>{' '}
                <time dateTime={new Date(entry.startedAtMs).toISOString()}>{new Date(entry.startedAtMs).toLocaleString()}</time>
              </span>
              <span className="history-usage">{usageText(entry)}</span>
              <span className={`history-end${entry.endCode === null ? '' : ' history-error'}`}>{endText(entry)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
