import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { AppCallError } from '../api/app-api';
import { readJsonFile, writeFileAtomic } from './atomic-file';
import { checkProfile } from './profile-verdict';

/** What the list shows of a profile (no secrets: the text itself is the secret part). */
export const StoredProfile = z.object({
  id: z.string().regex(/^[\w-]{1,64}$/),
  name: z.string().min(1).max(200),
  remotes: z.array(z.string()),
  asks: z.array(z.string()),
  importedAtMs: z.number(),
});
export type StoredProfile = z.infer<typeof StoredProfile>;

const StoredIndex = z.object({ profiles: z.array(StoredProfile) });

/**
 * Profiles on disk under <dataDir>/profiles (0700): one self-contained <id>.ovpn per
 * profile (every file it named already inlined) and index.json with the list, all 0600
 * and written atomically. Bad input answers an AppCallError with a code.
 */
export class ProfileStore {
  readonly #dir: string;
  readonly #nowMs: () => number;
  #profiles: StoredProfile[];

  constructor(dataDir: string, nowMs: () => number = Date.now) {
    this.#dir = join(dataDir, 'profiles');
    this.#nowMs = nowMs;
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    // mkdir's mode goes through the umask, and an existing folder keeps its mode.
    chmodSync(this.#dir, 0o700);
    const index = StoredIndex.safeParse(readJsonFile<unknown>(this.#indexPath(), undefined));
    this.#profiles = index.success ? index.data.profiles : [];
  }

  list(): StoredProfile[] {
    return [...this.#profiles].sort((a, b) => a.name.localeCompare(b.name) || a.importedAtMs - b.importedAtMs);
  }

  get(id: string): StoredProfile {
    const profile = this.#profiles.find((p) => p.id === id);
    if (profile === undefined) throw new AppCallError('profiles.not_found', 'That profile no longer exists.');
    return profile;
  }

  /** The self-contained profile text to hand to the helper. */
  text(id: string): string {
    const profile = this.get(id);
    try {
      return readFileSync(this.#textPath(profile.id), 'utf8');
    } catch {
      throw new AppCallError('profiles.not_found', `The file of profile "${profile.name}" is missing.`);
    }
  }

  /**
   * Saves a profile, with every file it names inlined. Certificates and keys outside its folder
   * are read only when their paths are in `confirmed` (the caller has checked those against the
   * user's preview); one left out refuses the import. Secrets outside the folder are never read.
   */
  import(fileName: string, text: string, name: string, confirmed: ReadonlySet<string> = new Set(), folder?: string): StoredProfile {
    const cleanName = this.#freeName(name);
    const check = checkProfile(fileName, text, { confirmed, ...(folder === undefined ? {} : { folder }) });
    const unconfirmed = check.outsideCertificates.filter((path) => !confirmed.has(path));
    if (unconfirmed.length > 0) {
      throw new AppCallError('profiles.files_not_confirmed', `Confirm the files outside the profile's folder first: ${unconfirmed.join(', ')}.`);
    }
    if (check.selfContainedText === undefined || check.summary === null) {
      throw new AppCallError('profile.invalid', check.firstError ?? 'The profile cannot be used.');
    }
    const profile: StoredProfile = {
      id: randomUUID(), name: cleanName, remotes: check.summary.remotes, asks: check.summary.asks, importedAtMs: this.#nowMs(),
    };
    writeFileAtomic(this.#textPath(profile.id), check.selfContainedText);
    this.#save([...this.#profiles, profile]);
    return profile;
  }

  rename(id: string, name: string): StoredProfile {
    const renamed = { ...this.get(id), name: this.#freeName(name, id) };
    this.#save(this.#profiles.map((p) => (p.id === id ? renamed : p)));
    return renamed;
  }

  delete(id: string): void {
    this.get(id);
    // The index goes first: without its entry the profile no longer exists for us.
    this.#save(this.#profiles.filter((p) => p.id !== id));
    rmSync(this.#textPath(id), { force: true });
  }

  #freeName(name: string, exceptId?: string): string {
    const clean = name.trim();
    if (clean.length === 0) throw new AppCallError('profiles.bad_name', 'A profile needs a name.');
    const taken = this.#profiles.some((p) => p.id !== exceptId && p.name.localeCompare(clean, undefined, { sensitivity: 'accent' }) === 0);
    if (taken) throw new AppCallError('profiles.duplicate_name', `A profile named "${clean}" already exists.`);
    return clean;
  }

  #save(profiles: StoredProfile[]): void {
    writeFileAtomic(this.#indexPath(), `${JSON.stringify({ profiles }, null, 2)}\n`);
    this.#profiles = profiles;
  }

  #indexPath(): string {
    return join(this.#dir, 'index.json');
  }

  #textPath(id: string): string {
    return join(this.#dir, `${id}.ovpn`);
  }
}
