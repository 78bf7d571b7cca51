import { useEffect, useState } from 'react';
import { useApp } from '../store/use-app';
import { Modal } from './Modal';

/** What the parser said about a dropped profile, before anything is saved. */
export function ImportVerdict() {
  const pending = useApp((s) => s.pendingImport);
  const confirm = useApp((s) => s.confirmImport);
  const cancel = useApp((s) => s.cancelImport);
  const [name, setName] = useState('');
  useEffect(() => { if (pending) setName(pending.verdict.suggestedName); }, [pending]);
  if (!pending) return null;
  const { verdict } = pending;
  const errors = verdict.problems.filter((p) => p.severity === 'error');
  const notes = verdict.problems.filter((p) => p.severity !== 'error');
  return (
    <Modal title={verdict.connectable ? `Import ${verdict.fileName}` : `${verdict.fileName} cannot be used`} onCancel={cancel} testId="import-verdict">
      <form onSubmit={(event) => { event.preventDefault(); if (verdict.connectable) void confirm(name); }}>
        {errors.length > 0 && (
          <section aria-label="Problems">
            <h3>What must be fixed</h3>
            <ul>{errors.map((p, i) => <li key={i} data-testid="verdict-problem">{p.line > 0 ? `Line ${p.line}: ` : ''}{p.message}{p.hint ? ` ${p.hint}` : ''}</li>)}</ul>
          </section>
        )}
        {verdict.summary && (
          <dl className="verdict-summary">
            <dt>Servers</dt><dd>{verdict.summary.remotes.join(', ') || 'none'}</dd>
            <dt>You will be asked for</dt><dd>{verdict.summary.asks.join(', ') || 'nothing'}</dd>
            <dt>Server check</dt><dd>{verdict.summary.serverCheck.join(', ')}</dd>
            <dt>Control channel</dt><dd>{verdict.summary.controlChannel}</dd>
            <dt>Data ciphers</dt><dd>{verdict.summary.dataCiphers.join(', ')}</dd>
            {verdict.summary.routing.length > 0 && <><dt>Routing</dt><dd>{verdict.summary.routing.join('; ')}</dd></>}
          </dl>
        )}
        {verdict.summary && verdict.summary.ignored.length + verdict.summary.refused.length > 0 && (
          <section aria-label="Ignored and refused">
            <h3>Left out</h3>
            <ul>
              {verdict.summary.refused.map((n, i) => <li key={`r${i}`}>Line {n.line}: <code>{n.directive}</code> refused: {n.reason}</li>)}
              {verdict.summary.ignored.map((n, i) => <li key={`i${i}`}>Line {n.line}: <code>{n.directive}</code> ignored: {n.reason}</li>)}
            </ul>
          </section>
        )}
        {notes.length > 0 && <ul className="verdict-notes">{notes.map((p, i) => <li key={i}>{p.line > 0 ? `Line ${p.line}: ` : ''}{p.message}</li>)}</ul>}
        {verdict.connectable && (
          <label className="field">Name
            <input data-testid="import-name" value={name} onChange={(event) => setName(event.target.value)} autoFocus required maxLength={200} />
          </label>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={cancel}>{verdict.connectable ? 'Cancel' : 'Close'}</button>
          {verdict.connectable && <button type="submit" className="primary" data-testid="import-confirm">Import</button>}
        </div>
      </form>
    </Modal>
  );
}
