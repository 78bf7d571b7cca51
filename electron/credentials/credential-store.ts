import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { RememberUnavailableReason } from '../api/app-api';
import { readJsonFile, writeFileAtomic } from '../profiles/atomic-file';

/** OS-backed encryption: Electron's safeStorage fits it as it is. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /**
   * Linux only (safeStorage has it there alone): where the key comes from. `basic_text`
   * means no keyring was found and the key is one built into Chromium, the same on every
   * machine; 'unknown' means it was asked before the app was ready (electron.d.ts).
   */
  getSelectedStorageBackend?(): string;
}

export interface SavedCredentials {
  username: string;
  password: string;
}

/**
 * Whether passwords can be kept, and under which keyring; or why not. `keyring` is a
 * Linux safeStorage backend, or 'os' elsewhere (macOS Keychain, Windows DPAPI).
 */
export type RememberSupport =
  | { available: true; keyring: Keyring }
  | { available: false; reason: RememberUnavailableReason };

/** The keyrings a password is kept under: the OS's own, or a Linux secret service. */
const KEYRINGS = ['os', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const;
type Keyring = (typeof KEYRINGS)[number];

/**
 * Usernames and passwords the user asked us to remember, per profile. Never OTPs or
 * challenge answers. Only under a real keyring: without one `support` says why, and the
 * app hides "remember" (a fallback to a built-in key would be plain text by another name).
 */
export interface CredentialStore {
  readonly support: RememberSupport;
  save(profileId: string, credentials: SavedCredentials): void;
  load(profileId: string): SavedCredentials | undefined;
  usernameOf(profileId: string): string | undefined;
  forget(profileId: string): void;
}

/** `keyring`: where the password's key lives; missing in files from before it was recorded. */
const SavedEntry = z.object({ username: z.string(), password: z.string(), keyring: z.string().optional() });
type SavedEntry = z.infer<typeof SavedEntry>;
const SavedFile = z.record(z.string(), SavedEntry);
type SavedFile = z.infer<typeof SavedFile>;

/**
 * One file, `credentials.json` (0600): usernames in clear (the list shows them), passwords
 * encrypted, base64, each marked with the keyring it was encrypted under. A password is
 * read back only under that same keyring. On opening, entries not marked with a real
 * keyring are deleted: on Linux an unmarked one may have been encrypted with basic_text's
 * built-in key, which protects nothing, so it is neither used nor left on disk.
 */
export function createCredentialStore(dataDir: string, encryptor: Encryptor | undefined, platform: NodeJS.Platform = process.platform): CredentialStore {
  const { read, write } = credentialsFile(join(dataDir, 'credentials.json'));
  const support = rememberSupport(encryptor, platform);
  // Before keyrings were recorded: elsewhere than Linux the OS's own was the only one.
  const keyringOf = (entry: SavedEntry): string | undefined => entry.keyring ?? (platform === 'linux' ? undefined : 'os');
  const readable = (profileId: string): SavedEntry | undefined => {
    const entry = read()[profileId];
    return entry && support.available && keyringOf(entry) === support.keyring ? entry : undefined;
  };
  const saved = read();
  const unsafe = Object.entries(saved).filter(([, entry]) => !isKeyring(keyringOf(entry))).map(([id]) => id);
  if (unsafe.length > 0) {
    for (const id of unsafe) delete saved[id];
    // Not fatal if it fails: readable() never returns such an entry, and the next start tries again.
    try { write(saved); } catch { /* a read-only data folder */ }
  }
  return {
    support,
    save(profileId, credentials) {
      if (!support.available || !encryptor) return;
      const password = encryptor.encryptString(credentials.password).toString('base64');
      write({ ...read(), [profileId]: { username: credentials.username, password, keyring: support.keyring } });
    },
    load(profileId) {
      const entry = readable(profileId);
      if (!entry || !encryptor) return undefined;
      try {
        return { username: entry.username, password: encryptor.decryptString(Buffer.from(entry.password, 'base64')) };
      } catch {
        return undefined; // encrypted under another OS key (a new user profile): ask again
      }
    },
    usernameOf(profileId) {
      return readable(profileId)?.username;
    },
    forget(profileId) {
      const saved = read();
      if (!(profileId in saved)) return;
      delete saved[profileId];
      write(saved);
    },
  };
}

function credentialsFile(path: string): { read(): SavedFile; write(saved: SavedFile): void } {
  return {
    read: () => SavedFile.safeParse(readJsonFile<unknown>(path, {})).data ?? {},
    write: (saved) => {
      if (Object.keys(saved).length === 0) rmSync(path, { force: true });
      else writeFileAtomic(path, JSON.stringify(saved));
    },
  };
}

/**
 * What safeStorage offers here. Linux backends are taken from an allowlist, so anything
 * but a known secret service (basic_text, 'unknown', a name from a future Electron) is refused.
 */
export function rememberSupport(encryptor: Encryptor | undefined, platform: NodeJS.Platform): RememberSupport {
  if (encryptor === undefined) return { available: false, reason: 'browser_mode' };
  const backend = platform === 'linux' ? linuxBackend(encryptor) : 'os';
  if (backend === 'basic_text') return { available: false, reason: 'no_keyring' };
  if (!isKeyring(backend)) return { available: false, reason: 'keyring_unknown' };
  if (!encryptor.isEncryptionAvailable()) return { available: false, reason: 'encryption_unavailable' };
  return { available: true, keyring: backend };
}

function linuxBackend(encryptor: Encryptor): string {
  try {
    return encryptor.getSelectedStorageBackend?.() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function isKeyring(name: string | undefined): name is Keyring {
  return (KEYRINGS as readonly (string | undefined)[]).includes(name);
}
