import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOk } from './run';

export type PkiKind = 'ec' | 'rsa';

/** A throwaway PKI for one test run: file paths, and the contents tests inline into profiles. */
export interface TestPki {
  dir: string;
  kind: PkiKind;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The client key encrypted with `encryptedKeyPassphrase`. */
  clientKeyEncrypted: string;
  encryptedKeyPassphrase: string;
  /** PKCS#12 of client cert+key+CA, password `pkcs12Password`: modern and legacy (RC2-40). */
  pkcs12: Buffer;
  pkcs12Legacy: Buffer;
  pkcs12Password: string;
  /** An unrelated CA, for "wrong CA" tests. */
  wrongCaCert: string;
  /** tls-auth / tls-crypt static key. */
  staticKey: string;
  tlsCryptV2ServerKey: string;
  tlsCryptV2ClientKey: string;
  path(name: string): string;
}

const FILES = ['ca.crt', 'server.crt', 'server.key', 'client.crt', 'client.key', 'client-encrypted.key', 'client.p12',
  'client-legacy.p12', 'wrong-ca.crt', 'static.key', 'tc2-server.key', 'tc2-client.key'];

/**
 * Generates (once per test run, shared by parallel test processes) a CA, server and client
 * certificates with the key usages OpenVPN checks, and the OpenVPN static keys. Everything
 * lives under $POSTERN_LAB_DIR, which the test runner deletes; nothing is committed.
 */
export async function getTestPki(kind: PkiKind = 'ec'): Promise<TestPki> {
  const base = process.env['POSTERN_LAB_DIR'] ?? join(tmpdir(), `postern-lab-${process.pid}`);
  mkdirSync(base, { recursive: true });
  const dir = join(base, `pki-${kind}`);
  if (!existsSync(join(dir, 'done'))) {
    const scratch = mkdtempSync(join(base, `pki-${kind}-tmp-`));
    await generate(scratch, kind);
    writeFileSync(join(scratch, 'done'), '');
    try {
      renameSync(scratch, dir);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another test process won the race: use its PKI
    }
  }
  return load(dir, kind);
}

function load(dir: string, kind: PkiKind): TestPki {
  const text = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    dir, kind,
    caCert: text('ca.crt'), serverCert: text('server.crt'), serverKey: text('server.key'),
    clientCert: text('client.crt'), clientKey: text('client.key'), clientKeyEncrypted: text('client-encrypted.key'),
    encryptedKeyPassphrase: 'lab-key-passphrase',
    pkcs12: readFileSync(join(dir, 'client.p12')), pkcs12Legacy: readFileSync(join(dir, 'client-legacy.p12')),
    pkcs12Password: 'lab-p12-password',
    wrongCaCert: text('wrong-ca.crt'), staticKey: text('static.key'),
    tlsCryptV2ServerKey: text('tc2-server.key'), tlsCryptV2ClientKey: text('tc2-client.key'),
    path: (name) => join(dir, name),
  };
}

async function generate(dir: string, kind: PkiKind): Promise<void> {
  const p = (name: string): string => join(dir, name);
  const keyArgs = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const newKey = (name: string): Promise<string> => runOk('openssl', ['genpkey', ...keyArgs, '-out', p(name)]);
  await Promise.all(['ca.key', 'server.key', 'client.key', 'wrong-ca.key'].map(newKey));
  for (const [ca, cn] of [['ca', 'Postern Lab CA'], ['wrong-ca', 'Some Other CA']] as const) {
    await runOk('openssl', ['req', '-x509', '-new', '-key', p(`${ca}.key`), '-subj', `/CN=${cn}`, '-days', '3',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', p(`${ca}.crt`)]);
  }
  writeFileSync(p('server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:server.lab.postern\n');
  writeFileSync(p('client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', 'server.lab.postern'], ['client', 'client1']] as const) {
    await runOk('openssl', ['req', '-new', '-key', p(`${name}.key`), '-subj', `/C=KG/O=Postern Lab/CN=${cn}`, '-out', p(`${name}.csr`)]);
    await runOk('openssl', ['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
      '-days', '3', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`)]);
  }
  await runOk('openssl', ['pkcs8', '-topk8', '-in', p('client.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:lab-key-passphrase', '-out', p('client-encrypted.key')]);
  const p12 = ['pkcs12', '-export', '-in', p('client.crt'), '-inkey', p('client.key'), '-certfile', p('ca.crt'), '-passout', 'pass:lab-p12-password'];
  await runOk('openssl', [...p12, '-out', p('client.p12')]);
  await runOk('openssl', [...p12, '-legacy', '-out', p('client-legacy.p12')]);
  await runOk('openvpn', ['--genkey', 'secret', p('static.key')]);
  await runOk('openvpn', ['--genkey', 'tls-crypt-v2-server', p('tc2-server.key')]);
  await runOk('openvpn', ['--tls-crypt-v2', p('tc2-server.key'), '--genkey', 'tls-crypt-v2-client', p('tc2-client.key')]);
  for (const name of FILES) if (!existsSync(p(name))) throw new Error(`PKI generation did not produce ${name}`);
}
