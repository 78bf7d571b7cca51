import { join } from 'node:path';
import { HISTORY_MAX_ENTRIES, PastConnection } from '../api/app-api';
import { readJsonFile, writeFileAtomic } from '../profiles/atomic-file';

/**
 * The last connections that ended, newest first, in `history.json` (0600, written whole or not
 * at all). Only PastConnection's fields: a profile's name, times, byte counts and codes, never
 * a secret. An unreadable file or entry is dropped, never fatal.
 */
export class HistoryStore {
  readonly #path: string;
  #entries: PastConnection[];

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'history.json');
    const stored = readJsonFile<unknown>(this.#path, []);
    const list = Array.isArray(stored) ? stored : [];
    this.#entries = list.flatMap((entry) => {
      const parsed = PastConnection.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    }).slice(0, HISTORY_MAX_ENTRIES);
  }

  list(): PastConnection[] {
    return [...this.#entries];
  }

  add(entry: PastConnection): void {
    this.#entries = [entry, ...this.#entries].slice(0, HISTORY_MAX_ENTRIES);
    writeFileAtomic(this.#path, `${JSON.stringify(this.#entries, null, 2)}\n`);
  }
}
