import { useState } from 'react';
import type { ProfileVerdict } from '../../../../electron/api/app-api';
import { cautionText } from '../../../../electron/api/words';
import { Modal } from '../../components/modal';
import type { PendingImport } from '../../store/profiles-slice';
import { usePosternStore } from '../../store/use-postern-store';

type Problem = ProfileVerdict['problems'][number];
type Summary = NonNullable<ProfileVerdict['summary']>;
type OutsideFile = NonNullable<ProfileVerdict['outsideFiles']>[number];

/** What the parser said about a dropped or picked profile, before anything is saved. */
export function ImportVerdict() {
  const pending = usePosternStore((s) => s.pendingImport);
  // A new file is a new form: the name starts from that file's suggestion.
  return pending ? <VerdictDialog key={`${pending.fileName}\n${pending.text.length}`} pending={pending} /> : null;
}

function VerdictDialog({ pending }: { pending: PendingImport }) {
  const confirm = usePosternStore((s) => s.confirmImport);
  const cancel = usePosternStore((s) => s.cancelImport);
  const importError = usePosternStore((s) => s.importError);
  const { verdict } = pending;
  const [name, setName] = useState(verdict.suggestedName);
  const [saving, setSaving] = useState(false);
  const outside = verdict.outsideFiles ?? [];
  const toConfirm = outside.filter((f) => f.kind === 'certificate' && f.status === 'found').map((f) => f.path);
  const [allowed, setAllowed] = useState(false);
  const errors = verdict.problems.filter((p) => p.severity === 'error');
  const notes = verdict.problems.filter((p) => p.severity !== 'error');
  return (
    <Modal title={verdict.connectable ? `Import ${verdict.fileName}` : `${verdict.fileName} cannot be used`} onCancel={cancel} testId="import-verdict" kind={verdict.connectable ? 'connectable' : 'refused'}>
      <form onSubmit={(event) => {
        event.preventDefault();
        if (!verdict.connectable || saving || (toConfirm.length > 0 && !allowed)) return;
        setSaving(true);
        void confirm(name.trim(), toConfirm).finally(() => setSaving(false));
      }}>
        {/* The count of problems left out ends the last list shown: main keeps errors before notes. */}
        {errors.length > 0 && <ProblemList title="What must be fixed" problems={errors} omitted={notes.length === 0 ? verdict.omittedProblems : 0} />}
        {verdict.summary && <UsedList summary={verdict.summary} />}
        {verdict.summary && <LeftOutList summary={verdict.summary} />}
        {outside.length > 0 && <OutsideList files={outside} />}
        {verdict.connectable && toConfirm.length > 0 && (
          <label className="checkbox">
            <input type="checkbox" data-testid="import-allow-outside" checked={allowed} onChange={(event) => setAllowed(event.target.checked)} />
            {' '}Let Postern read {toConfirm.length === 1 ? 'this certificate file' : `these ${toConfirm.length} certificate and key files`} from outside the profile&apos;s folder
          </label>
        )}
        {verdict.summary && <CautionList summary={verdict.summary} />}
        {notes.length > 0 && <ProblemList title="Worth knowing" problems={notes} omitted={verdict.omittedProblems} />}
        {verdict.connectable && (
          <label className="field">Name in Postern
            <input data-testid="import-name" data-autofocus value={name} onChange={(event) => setName(event.target.value)} required maxLength={200}
              aria-describedby={importError ? 'import-error' : undefined} aria-invalid={importError?.code === 'profiles.duplicate_name' || undefined} />
          </label>
        )}
        {importError && <p className="inline-error" id="import-error" role="alert" data-testid="import-error" data-code={importError.code}>{importError.text}</p>}
        <div className="dialog-buttons">
          <button type="button" data-testid="import-cancel" data-autofocus={verdict.connectable ? undefined : true} onClick={cancel}>{verdict.connectable ? 'Cancel' : 'Close'}</button>
          {verdict.connectable && <button type="submit" className="primary" data-testid="import-confirm" disabled={saving || (toConfirm.length > 0 && !allowed)}>Import</button>}
        </div>
      </form>
    </Modal>
  );
}

/** The line under a capped list: main sends at most 200 problems, every error before any warning or note. */
export function omittedProblemsText(count: number): string {
  return `…and ${count.toLocaleString('en-US')} more problem${count === 1 ? '' : 's'} not shown.`;
}

function ProblemList({ title, problems, omitted }: { title: string; problems: Problem[]; omitted: number }) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul className="problems">
        {problems.map((p, i) => (
          <li key={i} data-testid="verdict-problem" data-severity={p.severity} data-code={p.code} data-line={p.line}>
            {p.line > 0 ? `Line ${p.line}${p.column ? `:${p.column}` : ''}: ` : ''}{p.message}{p.hint ? <span className="hint"> {p.hint}</span> : null}
          </li>
        ))}
      </ul>
      {omitted > 0 && <p className="hint" data-testid="verdict-omitted" data-count={omitted}>{omittedProblemsText(omitted)}</p>}
    </section>
  );
}

function UsedList({ summary }: { summary: Summary }) {
  return (
    <section aria-label="What Postern will use">
      <h3>What Postern will use</h3>
      <dl className="verdict-summary" data-testid="verdict-used">
        <dt>Servers</dt><dd>{summary.remotes.join(', ') || 'none'}</dd>
        <dt>You will be asked for</dt><dd>{summary.asks.join(', ') || 'nothing'}</dd>
        <dt>Server check</dt><dd>{summary.serverCheck.join(', ') || 'none'}</dd>
        <dt>Control channel</dt><dd>{summary.controlChannel}</dd>
        <dt>Data ciphers</dt><dd>{summary.dataCiphers.join(', ')}</dd>
        {summary.device !== undefined && <><dt>Device</dt><dd data-testid="verdict-device">{summary.device}</dd></>}
        {summary.routing.length > 0 && <><dt>Routing</dt><dd>{summary.routing.join('; ')}</dd></>}
      </dl>
    </section>
  );
}

/** What to pass on to the server's administrator (a weak cipher the server still needs). */
function CautionList({ summary }: { summary: Summary }) {
  const texts = (summary.cautions ?? []).flatMap((c) => {
    const text = cautionText(c);
    return text === undefined ? [] : [{ code: c.code, text }];
  });
  if (texts.length === 0) return null;
  return (
    <section aria-label="Tell the server's administrator">
      <h3>Tell the server&apos;s administrator</h3>
      <ul className="problems">
        {texts.map((c, i) => <li key={i} data-testid="verdict-caution" data-code={c.code}>{c.text}</li>)}
      </ul>
    </section>
  );
}

function LeftOutList({ summary }: { summary: Summary }) {
  if (summary.ignored.length + summary.refused.length === 0) return null;
  return (
    <section aria-label="Left out">
      <h3>Left out</h3>
      <ul className="problems">
        {summary.refused.map((n, i) => (
          <li key={`r${i}`} data-testid="verdict-refused" data-line={n.line}>Line {n.line}: <code>{n.directive}</code> refused: {n.reason}</li>
        ))}
        {summary.ignored.map((n, i) => (
          <li key={`i${i}`} data-testid="verdict-ignored" data-line={n.line}>Line {n.line}: <code>{n.directive}</code> ignored: {n.reason}</li>
        ))}
      </ul>
    </section>
  );
}

/** Words for one file named outside the profile's folder: what Postern does with it, and why. */
export function outsideFileText(file: OutsideFile): string {
  if (file.kind === 'secret') {
    return 'not read: it holds a password, and Postern never reads one from outside the profile\'s folder. You are asked for it when you connect.';
  }
  if (file.status === 'found') return 'read only if you allow it below; it is then kept inside the imported profile.';
  return file.status === 'missing' ? 'does not exist.' : 'cannot be read.';
}

function OutsideList({ files }: { files: OutsideFile[] }) {
  return (
    <section aria-label="Files outside the profile's folder">
      <h3>Files outside the profile&apos;s folder</h3>
      <ul className="problems" data-testid="verdict-outside">
        {files.map((f, i) => (
          <li key={i} data-testid="verdict-outside-file" data-kind={f.kind} data-status={f.status} data-line={f.line}>
            Line {f.line}: <code>{f.directive}</code> <code>{f.path}</code> {outsideFileText(f)}
          </li>
        ))}
      </ul>
    </section>
  );
}
