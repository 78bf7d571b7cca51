import { useId, useState } from 'react';
import { LEAK_BADGE_WORDS, LEAK_CHECK_WORDS } from '../../../../electron/api/words';
import { selectActiveConnection, selectLeakBadge } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';

/**
 * The leak self-test of the connection up now, as a badge: checking, no leaks found, or
 * failed. Pressing it shows each check in plain words with what the helper found. A failure
 * is said at once to screen readers (role="alert"), a pass quietly (the store's announcement).
 */
export function LeakBadge() {
  const badge = usePosternStore(selectLeakBadge);
  const result = usePosternStore((s) => selectActiveConnection(s)?.leakCheck ?? null);
  const [open, setOpen] = useState(false);
  const id = useId();
  if (badge === null) return null;
  const words = badge === 'checking' ? LEAK_BADGE_WORDS.checking : badge === 'ok' ? LEAK_BADGE_WORDS.ok : LEAK_BADGE_WORDS.failed;
  return (
    <div className="leak-check" data-testid="leak-check">
      {badge === 'checking' ? (
        <span className="leak-badge leak-checking" data-testid="leak-badge" data-state={badge}>{words}</span>
      ) : (
        <button type="button" className={`leak-badge leak-${badge}`} data-testid="leak-badge" data-state={badge}
          aria-expanded={open} aria-controls={`${id}-details`} onClick={() => setOpen(!open)}>
          <span aria-hidden="true" className="leak-mark">{badge === 'ok' ? '✓' : '!'}</span> {words} <span aria-hidden="true">{open ? '▴' : '▾'}</span>
        </button>
      )}
      {badge === 'failed' && <p className="leak-failed-note" role="alert" data-testid="leak-alert">{LEAK_BADGE_WORDS.failed}. {LEAK_BADGE_WORDS.failedNext}</p>}
      {result && (
        <div id={`${id}-details`} className="leak-details" data-testid="leak-details" hidden={!open}>
          <p className="hint">Checked at {new Date(result.atMs).toLocaleTimeString()}, after the VPN came up.</p>
          <ul>
            {result.checks.map((check) => (
              <li key={check.id} data-testid="leak-check-item" data-check-id={check.id} data-ok={String(check.ok)} className={check.ok ? 'check-ok' : 'check-failed'}>
                <span className="leak-mark" aria-hidden="true">{check.ok ? '✓' : '✗'}</span>
                <span className="visually-hidden">{check.ok ? 'Passed: ' : 'Failed: '}</span>
                <span className="leak-check-name">{LEAK_CHECK_WORDS[check.id]}</span>
                <span className="leak-check-detail">{check.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
