import { useRef, useState } from 'react';
import type { ProfileEntry } from '../../../electron/api/app-api';
import { stateWords } from '../store/app-store';
import { NO_PROFILES, useApp } from '../store/use-app';
import { readProfile } from './DropZone';

interface Props {
  selectedId: string | undefined;
  onSelect(id: string): void;
}

/** The imported profiles with their state; import by file picker (or by dropping anywhere). */
export function ProfileList({ selectedId, onSelect }: Props) {
  const profiles = useApp((s) => s.snapshot?.profiles ?? NO_PROFILES);
  const session = useApp((s) => s.snapshot?.session);
  const preview = useApp((s) => s.preview);
  const input = useRef<HTMLInputElement>(null);
  return (
    <nav className="profiles" aria-label="Profiles">
      <div className="profiles-header">
        <h2>Profiles</h2>
        <button type="button" onClick={() => input.current?.click()}>Import…</button>
        <input
          ref={input} type="file" accept=".ovpn,.conf" hidden data-testid="file-input" aria-label="Choose a profile file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void readProfile(file).then((text) => preview(file.name, text));
            event.target.value = '';
          }}
        />
      </div>
      {profiles.length === 0 && <p className="empty">No profiles yet. Drop a .ovpn file anywhere in this window, or choose one with Import.</p>}
      <ul data-testid="profile-list">
        {profiles.map((profile) => {
          const state = session && session.profileName === profile.name && session.state !== 'disconnected' ? session.state : undefined;
          return <ProfileItem key={profile.id} profile={profile} state={state} selected={profile.id === selectedId} onSelect={() => onSelect(profile.id)} />;
        })}
      </ul>
    </nav>
  );
}

function ProfileItem({ profile, state, selected, onSelect }: { profile: ProfileEntry; state: string | undefined; selected: boolean; onSelect(): void }) {
  const rename = useApp((s) => s.rename);
  const remove = useApp((s) => s.remove);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(profile.name);
  return (
    <li className={`profile-item${selected ? ' selected' : ''}`} data-testid="profile-item" data-profile-name={profile.name}>
      {editing ? (
        <form onSubmit={(event) => { event.preventDefault(); void rename(profile.id, name).then(() => setEditing(false)); }}>
          <input aria-label={`New name for ${profile.name}`} value={name} onChange={(event) => setName(event.target.value)} autoFocus
            onKeyDown={(event) => { if (event.key === 'Escape') setEditing(false); }} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <button type="button" className="profile-select" aria-pressed={selected} onClick={onSelect}>
          <span className="profile-name">{profile.name}</span>
          <span className={`profile-state state-${state ?? 'idle'}`}>{state ? stateWords(state) : profile.remotes[0] ?? ''}</span>
        </button>
      )}
      <div className="profile-actions">
        <button type="button" className="link-button" aria-label={`Rename ${profile.name}`} onClick={() => { setName(profile.name); setEditing(true); }}>Rename</button>
        <button type="button" className="link-button" aria-label={`Delete ${profile.name}`} disabled={state !== undefined}
          onClick={() => { if (window.confirm(`Delete the profile "${profile.name}"?`)) void remove(profile.id); }}>Delete</button>
      </div>
    </li>
  );
}
