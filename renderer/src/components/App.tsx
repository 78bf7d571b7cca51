import { useEffect, useState } from 'react';
import { NO_PROFILES, useApp } from '../store/use-app';
import { AuthDialog } from './AuthDialog';
import { Banners } from './Banners';
import { ConnectionPanel } from './ConnectionPanel';
import { DropZone } from './DropZone';
import { ImportVerdict } from './ImportVerdict';
import { LogView } from './LogView';
import { ProfileList } from './ProfileList';
import { SettingsPanel } from './SettingsPanel';

export function App() {
  const profiles = useApp((s) => s.snapshot?.profiles ?? NO_PROFILES);
  const sessionProfile = useApp((s) => s.snapshot?.session?.profileName);
  const announcement = useApp((s) => s.announcement);
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  // Follow the running session, else keep the user's pick, else the first profile.
  const running = profiles.find((p) => p.name === sessionProfile);
  const selected = profiles.find((p) => p.id === selectedId) ?? running ?? profiles[0];
  useEffect(() => { if (running) setSelectedId(running.id); }, [running]);
  return (
    <DropZone>
      <header className="app-header">
        <h1>Postern</h1>
        <SettingsPanel />
      </header>
      <Banners />
      <main className="layout">
        <ProfileList selectedId={selected?.id} onSelect={setSelectedId} />
        <section className="main-column" aria-label="Connection">
          <ConnectionPanel profile={selected} />
          <LogView />
        </section>
      </main>
      <ImportVerdict />
      <AuthDialog />
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="status-live">{announcement}</div>
    </DropZone>
  );
}
