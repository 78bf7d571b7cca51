import { useRef } from 'react';
import { usePosternStore } from '../../store/use-postern-store';
import { ProfileItem } from './profile-item';
import { useImportFile } from './use-import-file';

interface Props {
  selectedId: string | undefined;
  onSelect(id: string): void;
}

/** The imported profiles with their state; import by file picker (or by dropping anywhere). */
export function ProfileList({ selectedId, onSelect }: Props) {
  const profiles = usePosternStore((s) => s.profiles);
  const importFile = useImportFile();
  const input = useRef<HTMLInputElement>(null);
  return (
    <nav className="profiles panel" aria-labelledby="profiles-heading">
      <div className="profiles-header">
        <h2 id="profiles-heading">Profiles</h2>
        <button type="button" data-testid="import-button" onClick={() => input.current?.click()}>Import…</button>
        <input
          ref={input} type="file" accept=".ovpn,.conf" hidden data-testid="file-input" aria-label="Choose a profile file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void importFile(file);
            event.target.value = ''; // the same file again must fire change again
          }}
        />
      </div>
      {profiles.length === 0 && <p className="empty">No profiles yet. Drop a .ovpn file anywhere in this window, or choose one with Import.</p>}
      <ul data-testid="profile-list" aria-label="Imported profiles">
        {profiles.map((profile) => (
          <ProfileItem key={profile.id} profile={profile} selected={profile.id === selectedId} onSelect={() => onSelect(profile.id)} />
        ))}
      </ul>
    </nav>
  );
}
