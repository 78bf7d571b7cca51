import { join } from 'node:path';
import { Settings } from '../api/app-api';
import { readJsonFile, writeFileAtomic } from '../profiles/atomic-file';

export const DEFAULT_SETTINGS: Settings = { launchAtLogin: false, notifications: true };

/** The app's few settings in `settings.json`; anything unreadable falls back to the defaults. */
export class SettingsStore {
  readonly #path: string;
  #settings: Settings;

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'settings.json');
    const parsed = Settings.safeParse(readJsonFile<unknown>(this.#path, undefined));
    this.#settings = parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
  }

  get(): Settings {
    return { ...this.#settings };
  }

  update(change: Partial<Settings>): Settings {
    this.#settings = { ...this.#settings, ...change };
    writeFileAtomic(this.#path, `${JSON.stringify(this.#settings, null, 2)}\n`);
    return this.get();
  }
}
