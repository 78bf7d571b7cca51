import { useState } from 'react';
import type { ProfileEntry } from '../../../../electron/api/app-api';
import { stateText } from '../../state-text';
import { selectProfileState } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';

interface Props {
  profile: ProfileEntry;
  selected: boolean;
  onSelect(): void;
}

type Mode = 'view' | 'rename' | 'delete';

/** One profile: select it, see its state, rename it in place, delete it after a confirmation. */
export function ProfileItem({ profile, selected, onSelect }: Props) {
  const state = usePosternStore((s) => selectProfileState(s, profile));
  const [mode, setMode] = useState<Mode>('view');
  return (
    <li className={`profile-item${selected ? ' selected' : ''}`} data-testid="profile-item" data-profile-name={profile.name} data-state={state ?? 'idle'}>
      {mode === 'rename' ? <RenameForm profile={profile} onDone={() => setMode('view')} /> : (
        <button type="button" className="profile-select" data-testid="profile-select" aria-pressed={selected} onClick={onSelect}>
          <span className="profile-name">{profile.name}</span>
          <span className={`profile-state state-${state ?? 'idle'}`} data-testid="profile-state">{state ? stateText(state) : profile.remotes[0] ?? ''}</span>
        </button>
      )}
      {mode === 'delete' && <DeleteConfirm profile={profile} onDone={() => setMode('view')} />}
      {mode === 'view' && <Actions profile={profile} running={state !== undefined} onRename={() => setMode('rename')} onDelete={() => setMode('delete')} />}
    </li>
  );
}

function Actions({ profile, running, onRename, onDelete }: { profile: ProfileEntry; running: boolean; onRename(): void; onDelete(): void }) {
  const forget = usePosternStore((s) => s.forgetCredentials);
  return (
    <div className="profile-actions">
      <button type="button" className="link-button" data-testid="profile-rename" aria-label={`Rename ${profile.name}`} onClick={onRename}>Rename</button>
      <button type="button" className="link-button" data-testid="profile-delete" aria-label={`Delete ${profile.name}`} disabled={running} onClick={onDelete}>Delete</button>
      {profile.hasSavedCredentials && (
        <button type="button" className="link-button" data-testid="profile-forget-credentials" aria-label={`Forget the saved password of ${profile.name}`}
          onClick={() => void forget(profile.id)}>Forget password</button>
      )}
    </div>
  );
}

function RenameForm({ profile, onDone }: { profile: ProfileEntry; onDone(): void }) {
  const rename = usePosternStore((s) => s.rename);
  const [name, setName] = useState(profile.name);
  return (
    <form className="rename-form" onSubmit={(event) => {
      event.preventDefault();
      const trimmed = name.trim();
      if (trimmed === profile.name) return onDone();
      void rename(profile.id, trimmed).then((done) => { if (done) onDone(); });
    }}>
      <input data-testid="profile-rename-input" aria-label={`New name for ${profile.name}`} value={name} maxLength={200} required autoFocus
        onChange={(event) => setName(event.target.value)} onKeyDown={(event) => { if (event.key === 'Escape') onDone(); }} />
      <button type="submit" data-testid="profile-rename-save">Save</button>
      <button type="button" data-testid="profile-rename-cancel" onClick={onDone}>Cancel</button>
    </form>
  );
}

function DeleteConfirm({ profile, onDone }: { profile: ProfileEntry; onDone(): void }) {
  const remove = usePosternStore((s) => s.remove);
  return (
    <div className="delete-confirm" role="group" aria-label={`Delete ${profile.name}?`}>
      <span>Delete this profile?</span>
      <button type="button" className="danger" data-testid="profile-delete-confirm" autoFocus
        onClick={() => void remove(profile.id).then(onDone)}>Delete</button>
      <button type="button" data-testid="profile-delete-keep" onClick={onDone}
        onKeyDown={(event) => { if (event.key === 'Escape') onDone(); }}>Keep</button>
    </div>
  );
}
