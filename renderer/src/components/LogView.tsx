import { useApp } from '../store/use-app';

/** The helper's log for this session (secrets are redacted before they leave the helper); copy and export. */
export function LogView() {
  const log = useApp((s) => s.log);
  const text = () => log.map((line) => `${new Date(line.atMs).toISOString()} ${line.level.padEnd(5)} ${line.message}`).join('\n');
  const exportFile = () => {
    const url = URL.createObjectURL(new Blob([`${text()}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `postern-log-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <details className="log" open={false}>
      <summary>Log ({log.length} {log.length === 1 ? 'line' : 'lines'})</summary>
      <div className="log-buttons">
        <button type="button" data-testid="log-copy" onClick={() => void navigator.clipboard?.writeText(text())}>Copy</button>
        <button type="button" data-testid="log-export" onClick={exportFile}>Export…</button>
      </div>
      <pre className="log-lines" data-testid="log-view" tabIndex={0} aria-label="Log lines">
        {log.slice(-300).map((line, i) => <div key={i} className={`log-${line.level}`}>{new Date(line.atMs).toLocaleTimeString()} {line.message}</div>)}
      </pre>
    </details>
  );
}
