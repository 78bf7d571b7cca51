import { createCipheriv } from 'node:crypto';
import type { CbcSuite } from './cipher-suites';
import { cbcBlockBytes } from './cipher-suites';

/**
 * Whether node:crypto can run a CBC suite in this process now. OpenSSL 3 keeps BF and
 * CAST5 in its legacy provider, which is not loaded unless `providers legacy default`
 * had the helper load it (or node runs with --openssl-legacy-provider): then
 * createCipheriv throws ERR_OSSL_EVP_UNSUPPORTED. Asked once per key, not remembered: a
 * provider loaded later in the process makes the cipher available from then on.
 */
export function cipherAvailable(suite: CbcSuite): boolean {
  try {
    createCipheriv(suite.algorithm, Buffer.alloc(suite.keyBytes), Buffer.alloc(cbcBlockBytes(suite)));
    return true;
  } catch {
    return false;
  }
}
