import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../profiles/atomic-file';

/** OS-backed encryption: Electron's safeStorage fits it as it is. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SavedCredentials {
  username: string;
  password: string;
}

/**
 * Usernames and passwords the user asked us to remember, per profile. Never OTPs or
 * challenge answers. Without OS encryption nothing is saved: `available` is false and
 * the app hides "remember" (a plaintext fallback would defeat the point).
 */
export interface CredentialStore {
  readonly available: boolean;
  save(profileId: string, credentials: SavedCredentials): void;
  load(profileId: string): SavedCredentials | undefined;
  usernameOf(profileId: string): string | undefined;
  forget(profileId: string): void;
}

type SavedFile = Record<string, { username: string; password: string }>;

/** One file, `credentials.json` (0600): usernames in clear (the list shows them), passwords encrypted, base64. */
export function createCredentialStore(dataDir: string, encryptor: Encryptor | undefined): CredentialStore {
  const path = join(dataDir, 'credentials.json');
  const available = encryptor?.isEncryptionAvailable() ?? false;
  const read = (): SavedFile => readJsonFile<SavedFile>(path, {});
  const write = (saved: SavedFile): void => {
    if (Object.keys(saved).length === 0) rmSync(path, { force: true });
    else writeFileAtomic(path, JSON.stringify(saved));
  };
  return {
    available,
    save(profileId, credentials) {
      if (!available || !encryptor) return;
      const password = encryptor.encryptString(credentials.password).toString('base64');
      write({ ...read(), [profileId]: { username: credentials.username, password } });
    },
    load(profileId) {
      const entry = read()[profileId];
      if (!entry || !available || !encryptor) return undefined;
      try {
        return { username: entry.username, password: encryptor.decryptString(Buffer.from(entry.password, 'base64')) };
      } catch {
        return undefined; // encrypted under another OS key (a new user profile): ask again
      }
    },
    usernameOf(profileId) {
      return available ? read()[profileId]?.username : undefined;
    },
    forget(profileId) {
      const saved = read();
      if (!(profileId in saved)) return;
      delete saved[profileId];
      write(saved);
    },
  };
}
