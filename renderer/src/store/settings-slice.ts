import type { Settings } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';

export interface SettingsSlice {
  /** null until the first snapshot. */
  settings: Settings | null;
  /** Start at login works in the packaged app only (main says so); hidden in browser mode. */
  launchAtLoginAvailable: boolean;
  applySettings(settings: Settings, launchAtLoginAvailable?: boolean): void;
  /** Shows the change at once; puts the old value back if main refuses it. */
  updateSettings(change: Partial<Settings>): Promise<boolean>;
  /** The settings dialog is open (the header's button and the blocking banner open it). */
  settingsOpen: boolean;
  openSettings(): void;
  closeSettings(): void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = ({ api }) => (set, get) => ({
  settings: null,
  launchAtLoginAvailable: false,
  settingsOpen: false,
  openSettings: () => set({ settingsOpen: true }),
  // A refusal shown in the dialog is of the past once it closes.
  closeSettings: () => set({ settingsOpen: false, killSwitchError: null }),
  applySettings: (settings, launchAtLoginAvailable) => set(launchAtLoginAvailable === undefined ? { settings } : { settings, launchAtLoginAvailable }),
  updateSettings: async (change) => {
    const before = get().settings;
    if (before) set({ settings: { ...before, ...change } });
    try {
      set({ settings: await api.call('settings.update', change) });
      return true;
    } catch (error) {
      set({ settings: before });
      get().fail(error);
      return false;
    }
  },
});
