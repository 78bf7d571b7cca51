import { usePosternStore } from '../../store/use-postern-store';

/** The two settings: notifications and launch at login. */
export function SettingsPanel() {
  const settings = usePosternStore((s) => s.settings);
  const update = usePosternStore((s) => s.updateSettings);
  if (!settings) return null;
  return (
    <fieldset className="settings" data-testid="settings">
      <legend className="visually-hidden">Settings</legend>
      <label className="checkbox">
        <input type="checkbox" data-testid="setting-notifications" checked={settings.notifications} onChange={(e) => void update({ notifications: e.target.checked })} />
        Notifications
      </label>
      <label className="checkbox">
        <input type="checkbox" data-testid="setting-launch-at-login" checked={settings.launchAtLogin} onChange={(e) => void update({ launchAtLogin: e.target.checked })} />
        Start at login
      </label>
    </fieldset>
  );
}
