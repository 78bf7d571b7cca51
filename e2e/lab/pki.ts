import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENCRYPTED_KEY_PASSPHRASE, PKCS12_PASSWORD, PKI_FILES, generatePki, type PkiFile, type PkiKind } from './pki-generate';

export type { PkiFile, PkiKind } from './pki-generate';

/**
 * A throwaway PKI for one test run: the file of each item (`files`, for server configs and
 * `ca FILE`-style profiles) and its contents (for inline blocks and in-process clients).
 */
export interface TestPki {
  dir: string;
  kind: PkiKind;
  files: Readonly<Record<PkiFile, string>>;
  caCert: string;
  /** CN server.lab.postern, EKU serverAuth, SAN DNS:server.lab.postern. */
  serverCert: string;
  serverKey: string;
  /** CN client1, EKU clientAuth. */
  clientCert: string;
  clientKey: string;
  /** The client key as encrypted PKCS#8 (AES-256-CBC), passphrase `encryptedKeyPassphrase`. */
  clientKeyEncrypted: string;
  encryptedKeyPassphrase: string;
  /** PKCS#12 of client cert + key + CA, password `pkcs12Password`: modern (AES/PBKDF2) and legacy (RC2-40/3DES). */
  pkcs12: Buffer;
  pkcs12Legacy: Buffer;
  pkcs12Base64: string;
  pkcs12LegacyBase64: string;
  pkcs12Password: string;
  /** CN revoked1, issued by the lab CA and revoked in `crlRevoked`. */
  revokedCert: string;
  revokedKey: string;
  /** CRLs of the lab CA: one revoking nothing, one revoking `revokedCert`. */
  crlEmpty: string;
  crlRevoked: string;
  /** An unrelated CA, and a client1 certificate it issued, for "wrong CA" tests. */
  wrongCaCert: string;
  wrongCaClientCert: string;
  wrongCaClientKey: string;
  /** tls-auth / tls-crypt static key (OpenVPN Static key V1 text). */
  staticKey: string;
  tlsCryptV2ServerKey: string;
  tlsCryptV2ClientKey: string;
  /** Path of a file in the PKI folder by its name (e.g. 'ca.crt'). */
  path(name: string): string;
}

/**
 * The lab PKI of a kind, generated once per test run and shared by the test processes that
 * run in parallel: each generates into a scratch folder and renames it into place; the
 * rename is atomic, so a process that loses the race uses the winner's folder. Everything
 * lives under $POSTERN_LAB_DIR, which the test runner deletes; nothing is committed.
 */
export async function getTestPki(kind: PkiKind = 'ec'): Promise<TestPki> {
  const base = labBaseDir();
  const dir = join(base, `pki-${kind}`);
  if (!existsSync(join(dir, 'done'))) {
    const scratch = mkdtempSync(join(base, `pki-${kind}-tmp-`));
    try {
      await generatePki(scratch, kind);
      writeFileSync(join(scratch, 'done'), '');
      renameSync(scratch, dir);
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      if (!existsSync(join(dir, 'done'))) throw error; // not a lost race: a real failure
    }
  }
  return loadPki(dir, kind);
}

/** $POSTERN_LAB_DIR (set per run by scripts/run-tests.mjs), or a folder of this process. */
export function labBaseDir(): string {
  const base = process.env['POSTERN_LAB_DIR'] ?? join(tmpdir(), `postern-lab-${process.pid}`);
  mkdirSync(base, { recursive: true });
  return base;
}

function loadPki(dir: string, kind: PkiKind): TestPki {
  const files = Object.fromEntries(Object.entries(PKI_FILES).map(([key, name]) => [key, join(dir, name)])) as Record<PkiFile, string>;
  const text = (key: PkiFile): string => readFileSync(files[key], 'utf8');
  const pkcs12 = readFileSync(files.pkcs12);
  const pkcs12Legacy = readFileSync(files.pkcs12Legacy);
  return {
    dir, kind, files,
    caCert: text('caCert'), serverCert: text('serverCert'), serverKey: text('serverKey'),
    clientCert: text('clientCert'), clientKey: text('clientKey'),
    clientKeyEncrypted: text('clientKeyEncrypted'), encryptedKeyPassphrase: ENCRYPTED_KEY_PASSPHRASE,
    pkcs12, pkcs12Legacy, pkcs12Base64: pkcs12.toString('base64'), pkcs12LegacyBase64: pkcs12Legacy.toString('base64'),
    pkcs12Password: PKCS12_PASSWORD,
    revokedCert: text('revokedCert'), revokedKey: text('revokedKey'),
    crlEmpty: text('crlEmpty'), crlRevoked: text('crlRevoked'),
    wrongCaCert: text('wrongCaCert'), wrongCaClientCert: text('wrongCaClientCert'), wrongCaClientKey: text('wrongCaClientKey'),
    staticKey: text('staticKey'), tlsCryptV2ServerKey: text('tlsCryptV2ServerKey'), tlsCryptV2ClientKey: text('tlsCryptV2ClientKey'),
    path: (name) => join(dir, name),
  };
}
