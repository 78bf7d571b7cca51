import { useApp } from '../store/use-app';

/** The two settings: notifications (on) and launch at login (off). */
export function SettingsPanel() {
  const settings = useApp((s) => s.snapshot?.settings);
  const update = useApp((s) => s.updateSettings);
  if (!settings) return null;
  return (
    <div className="settings" role="group" aria-label="Settings">
      <label className="checkbox"><input type="checkbox" checked={settings.notifications} onChange={(e) => void update({ notifications: e.target.checked })} /> Notifications</label>
      <label className="checkbox"><input type="checkbox" checked={settings.launchAtLogin} onChange={(e) => void update({ launchAtLogin: e.target.checked })} /> Start at login</label>
    </div>
  );
}
