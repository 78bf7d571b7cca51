import { useState } from 'react';
import { Banners } from '../components/banners';
import { AuthDialog } from '../features/auth-prompts/auth-dialog';
import { ConnectionPanel } from '../features/connect/connection-panel';
import { BlockingBanner } from '../features/kill-switch/blocking-banner';
import { HistoryView } from '../features/history/history-view';
import { LogView } from '../features/log/log-view';
import { DropZone } from '../features/profiles/drop-zone';
import { ImportVerdict } from '../features/profiles/import-verdict';
import { ProfileList } from '../features/profiles/profile-list';
import { SettingsPanel } from '../features/settings/settings-panel';
import { selectActiveConnection } from '../store/selectors';
import { usePosternStore } from '../store/use-postern-store';

export function App() {
  const profiles = usePosternStore((s) => s.profiles);
  const runningName = usePosternStore((s) => selectActiveConnection(s)?.profileName);
  const announcement = usePosternStore((s) => s.announcement);
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  // The running session's profile first, else the person's pick, else the first one.
  const running = profiles.find((p) => p.name === runningName);
  const selected = running ?? profiles.find((p) => p.id === selectedId) ?? profiles[0];
  return (
    <DropZone>
      <header className="app-header">
        <h1>Postern</h1>
        <SettingsPanel />
      </header>
      <BlockingBanner profile={selected} />
      <Banners />
      <main className="layout">
        <ProfileList selectedId={selected?.id} onSelect={setSelectedId} />
        <div className="main-column">
          <ConnectionPanel profile={selected} />
          <HistoryView />
          <LogView />
        </div>
      </main>
      <ImportVerdict />
      <AuthDialog />
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="status-live">{announcement}</div>
    </DropZone>
  );
}
