import { useState } from 'react';
import { usePosternStore } from '../../store/use-postern-store';
import { logFileName, logText } from './log-text';

/** Lines shown at once; Copy and Export take all the window has. */
const SHOWN_LINES = 300;

/** The helper's log (secrets are redacted before they leave the helper); copy and export. */
export function LogView() {
  const log = usePosternStore((s) => s.log);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = (): void => {
    void navigator.clipboard.writeText(`${logText(log)}\n`).then(() => setCopied('yes'), () => setCopied('no'));
  };
  return (
    <details className="log panel">
      <summary>Log ({log.length} {log.length === 1 ? 'line' : 'lines'})</summary>
      <div className="log-buttons">
        <button type="button" data-testid="log-copy" onClick={copy}>Copy</button>
        <button type="button" data-testid="log-export" onClick={() => exportLog(logText(log))}>Export…</button>
        <span role="status" className="log-copied">{copied === 'yes' ? 'Copied to the clipboard' : copied === 'no' ? 'Copying is not allowed here; use Export' : ''}</span>
      </div>
      <pre className="log-lines" data-testid="log-view" tabIndex={0} aria-label="Log lines">
        {log.slice(-SHOWN_LINES).map((line, i) => (
          <div key={i} className={`log-${line.level}`}>{new Date(line.atMs).toLocaleTimeString()} {line.message}</div>
        ))}
      </pre>
    </details>
  );
}

/** A download of the text; Electron shows its save dialog, a browser saves it to Downloads. */
function exportLog(text: string): void {
  const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = logFileName(Date.now());
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
