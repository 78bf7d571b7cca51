import { KILL_SWITCH_MODE_WORDS, KILL_SWITCH_WORDS } from '../../../../electron/api/words';
import { Modal } from '../../components/modal';
import { usePosternStore } from '../../store/use-postern-store';
import { KillSwitchSettings } from '../kill-switch/kill-switch-settings';

/** The header's Settings button, with the kill switch's mode beside it, and the dialog it opens. */
export function SettingsPanel() {
  const killSwitch = usePosternStore((s) => s.killSwitch);
  const open = usePosternStore((s) => s.settingsOpen);
  const openSettings = usePosternStore((s) => s.openSettings);
  return (
    <div className="header-actions">
      {killSwitch && (
        <span className={`kill-switch-chip mode-${killSwitch.mode}`} data-testid="kill-switch-chip" data-mode={killSwitch.mode}>
          {KILL_SWITCH_WORDS.title}: {KILL_SWITCH_MODE_WORDS[killSwitch.mode].name}
        </span>
      )}
      <button type="button" data-testid="settings-open" aria-haspopup="dialog" onClick={openSettings}>Settings</button>
      {open && <SettingsDialog />}
    </div>
  );
}

/** Notifications, start at login and the profile to connect at start (the app's), and the kill switch (the machine's, kept by the helper). */
function SettingsDialog() {
  const settings = usePosternStore((s) => s.settings);
  const profiles = usePosternStore((s) => s.profiles);
  const launchAtLoginAvailable = usePosternStore((s) => s.launchAtLoginAvailable);
  const update = usePosternStore((s) => s.updateSettings);
  const close = usePosternStore((s) => s.closeSettings);
  return (
    <Modal title="Settings" testId="settings-dialog" onCancel={close}>
      {settings && (
        <fieldset className="choices" data-testid="settings">
          <legend>This app</legend>
          <label className="checkbox">
            <input type="checkbox" data-testid="setting-notifications" checked={settings.notifications} onChange={(e) => void update({ notifications: e.target.checked })} />
            Notifications when the VPN connects, disconnects or fails, and when sign-in is needed
          </label>
          {launchAtLoginAvailable && (
            <label className="checkbox">
              <input type="checkbox" data-testid="setting-launch-at-login" checked={settings.launchAtLogin} onChange={(e) => void update({ launchAtLogin: e.target.checked })} />
              Start at login
            </label>
          )}
          <label className="select-setting">
            Connect when Postern starts
            <select data-testid="setting-connect-at-start" value={settings.connectAtStart ?? ''}
              onChange={(e) => void update({ connectAtStart: e.target.value === '' ? null : e.target.value })}>
              <option value="">Don't connect</option>
              {profiles.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
        </fieldset>
      )}
      <KillSwitchSettings />
      <div className="dialog-buttons">
        <button type="button" className="primary" data-testid="settings-close" onClick={close}>Done</button>
      </div>
    </Modal>
  );
}
