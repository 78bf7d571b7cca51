import type { ProfileEntry, ProfileVerdict } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';
import { shownError } from './notice-slice';
import type { ShownError } from './notice-slice';

/** What main accepts in one profile file (electron/api ProfileFile). */
export const MAX_PROFILE_BYTES = 512 * 1024;

export interface PendingImport {
  fileName: string;
  text: string;
  /** Where the file is on disk, when the app knows it (Electron): main reads the files beside it. */
  path?: string;
  verdict: ProfileVerdict;
}

/** The imported profiles, and an import in progress (the verdict view before saving). */
export interface ProfilesSlice {
  profiles: ProfileEntry[];
  pendingImport: PendingImport | null;
  /** Why the import did not go through (a duplicate name, say), shown inside the verdict dialog. */
  importError: ShownError | null;
  applyProfiles(profiles: ProfileEntry[]): void;
  preview(fileName: string, text: string, path?: string): Promise<boolean>;
  /** A verdict main made for a file opened from outside the window (Open with Postern). */
  showImport(pending: PendingImport): void;
  /** `confirmedFiles`: the verdict's outside certificates the user agreed Postern may read. */
  confirmImport(name: string, confirmedFiles?: string[]): Promise<boolean>;
  cancelImport(): void;
  /**
   * Fetches the profiles opened from the desktop ("Open with Postern", a double-click) and
   * previews the last one, as if it had been dropped; one that could not be read is shown as an error.
   */
  rename(id: string, name: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  forgetCredentials(id: string): Promise<boolean>;
}

export const createProfilesSlice: SliceCreator<ProfilesSlice> = ({ api }) => (set, get) => {
  const attempt = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    try {
      await work();
      get().announce(done);
      return true;
    } catch (error) {
      get().fail(error);
      return false;
    }
  };
  const nameOf = (id: string): string => get().profiles.find((p) => p.id === id)?.name ?? 'The profile';
  return {
    profiles: [],
    pendingImport: null,
    importError: null,
    applyProfiles: (profiles) => set({ profiles }),
    preview: async (fileName, text, path) => {
      try {
        const located = path === undefined ? {} : { path };
        const verdict = await api.call('profiles.preview', { fileName, text, ...located });
        set({ pendingImport: { fileName, text, ...located, verdict }, importError: null });
        get().announce(verdict.connectable ? `${fileName} can be imported` : `${fileName} cannot be used as it is`);
        return true;
      } catch (error) {
        get().fail(error);
        return false;
      }
    },
    showImport: (pending) => {
      set({ pendingImport: pending, importError: null });
      get().announce(pending.verdict.connectable ? `${pending.fileName} can be imported` : `${pending.fileName} cannot be used as it is`);
    },
    confirmImport: async (name, confirmedFiles = []) => {
      const pending = get().pendingImport;
      if (!pending) return false;
      try {
        const entry = await api.call('profiles.import', { fileName: pending.fileName, text: pending.text, ...(pending.path === undefined ? {} : { path: pending.path }), name, ...(confirmedFiles.length > 0 ? { confirmedFiles } : {}) });
        // The snapshot that follows brings the list too; adding it now avoids a flash without it.
        if (!get().profiles.some((p) => p.id === entry.id)) set({ profiles: [...get().profiles, entry] });
        set({ pendingImport: null, importError: null });
        get().announce(`Imported ${entry.name}`);
        return true;
      } catch (error) {
        set({ importError: shownError(error) });
        return false;
      }
    },
    cancelImport: () => set({ pendingImport: null, importError: null }),
    rename: (id, name) => {
      const before = nameOf(id);
      return attempt(() => api.call('profiles.rename', { id, name }), `Renamed ${before} to ${name}`);
    },
    remove: (id) => {
      const name = nameOf(id);
      return attempt(() => api.call('profiles.delete', { id }), `Deleted ${name}`);
    },
    forgetCredentials: (id) => attempt(() => api.call('profiles.forgetCredentials', { id }), `Forgot the saved password of ${nameOf(id)}`),
  };
};
