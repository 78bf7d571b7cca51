import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './run';

export type PkiKind = 'ec' | 'rsa';

/** Every file a generated PKI folder holds (besides the CA bookkeeping). */
export const PKI_FILES = {
  caCert: 'ca.crt',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  clientCert: 'client.crt',
  clientKey: 'client.key',
  clientKeyEncrypted: 'client-encrypted.key',
  pkcs12: 'client.p12',
  pkcs12Legacy: 'client-legacy.p12',
  revokedCert: 'revoked1.crt',
  revokedKey: 'revoked1.key',
  crlEmpty: 'crl-empty.pem',
  crlRevoked: 'crl-revoked.pem',
  wrongCaCert: 'wrong-ca.crt',
  wrongCaClientCert: 'wrong-client.crt',
  wrongCaClientKey: 'wrong-client.key',
  staticKey: 'static.key',
  tlsCryptV2ServerKey: 'tc2-server.key',
  tlsCryptV2ClientKey: 'tc2-client.key',
} as const;

export type PkiFile = keyof typeof PKI_FILES;

// Throwaway secrets of a throwaway PKI: they protect nothing, tests need to know them.
export const ENCRYPTED_KEY_PASSPHRASE = 'lab-key-passphrase';
export const PKCS12_PASSWORD = 'lab-p12-password';

const SERVER_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:server.lab.postern\n';
const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

/**
 * Generates a complete lab PKI into `dir` with the openssl and openvpn CLIs: the keys
 * (P-256 or RSA-2048), two CAs, server/client/revoked certificates with the key usages
 * OpenVPN checks (`remote-cert-tls`), CRLs, PKCS#12 files and the OpenVPN static keys.
 */
export async function generatePki(dir: string, kind: PkiKind): Promise<void> {
  const p = (name: string): string => join(dir, name);
  const keyArgs = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  await Promise.all(['ca', 'wrong-ca', 'server', 'client', 'revoked1', 'wrong-client']
    .map((name) => runOk('openssl', ['genpkey', ...keyArgs, '-out', p(`${name}.key`)])));
  for (const [ca, cn] of [['ca', 'Postern Lab CA'], ['wrong-ca', 'Some Other CA']] as const) {
    await runOk('openssl', ['req', '-x509', '-new', '-key', p(`${ca}.key`), '-subj', `/CN=${cn}`, '-days', '3',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', p(`${ca}.crt`)]);
  }
  writeFileSync(p('server.ext'), SERVER_EXT);
  writeFileSync(p('client.ext'), CLIENT_EXT);
  await issue(dir, 'server', 'server.lab.postern', 'ca', 'server.ext');
  await issue(dir, 'client', 'client1', 'ca', 'client.ext');
  await issue(dir, 'revoked1', 'revoked1', 'ca', 'client.ext');
  await issue(dir, 'wrong-client', 'client1', 'wrong-ca', 'client.ext');
  await runOk('openssl', ['pkcs8', '-topk8', '-in', p('client.key'), '-v2', 'aes-256-cbc', '-passout', `pass:${ENCRYPTED_KEY_PASSPHRASE}`, '-out', p('client-encrypted.key')]);
  const p12 = ['pkcs12', '-export', '-in', p('client.crt'), '-inkey', p('client.key'), '-certfile', p('ca.crt'), '-passout', `pass:${PKCS12_PASSWORD}`];
  await runOk('openssl', [...p12, '-out', p('client.p12')]);
  // -legacy: RC2-40 for the certificates and 3DES for the key, which OpenSSL 3 refuses to read by default.
  await runOk('openssl', [...p12, '-legacy', '-out', p('client-legacy.p12')]);
  await generateCrls(dir);
  await runOk('openvpn', ['--genkey', 'secret', p('static.key')]);
  await runOk('openvpn', ['--genkey', 'tls-crypt-v2-server', p('tc2-server.key')]);
  await runOk('openvpn', ['--tls-crypt-v2', p('tc2-server.key'), '--genkey', 'tls-crypt-v2-client', p('tc2-client.key')]);
  for (const name of Object.values(PKI_FILES)) if (!existsSync(p(name))) throw new Error(`PKI generation did not produce ${name}`);
}

async function issue(dir: string, name: string, commonName: string, ca: string, extFile: string): Promise<void> {
  const p = (file: string): string => join(dir, file);
  await runOk('openssl', ['req', '-new', '-key', p(`${name}.key`), '-subj', `/O=Postern Lab/CN=${commonName}`, '-out', p(`${name}.csr`)]);
  await runOk('openssl', ['x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${ca}.crt`), '-CAkey', p(`${ca}.key`), '-CAcreateserial',
    '-days', '3', '-extfile', p(extFile), '-out', p(`${name}.crt`)]);
}

/** `openssl ca` keeps its revocation list in a small database; a config file names it. */
async function generateCrls(dir: string): Promise<void> {
  const p = (file: string): string => join(dir, file);
  writeFileSync(p('index.txt'), '');
  writeFileSync(p('crlnumber'), '01\n');
  writeFileSync(p('ca.cnf'), [
    '[ ca ]', 'default_ca = lab', '[ lab ]',
    `database = ${p('index.txt')}`, `crlnumber = ${p('crlnumber')}`,
    `certificate = ${p('ca.crt')}`, `private_key = ${p('ca.key')}`,
    'default_md = sha256', 'default_crl_days = 3', '',
  ].join('\n'));
  const ca = ['ca', '-config', p('ca.cnf')];
  await runOk('openssl', [...ca, '-gencrl', '-out', p('crl-empty.pem')]);
  await runOk('openssl', [...ca, '-revoke', p('revoked1.crt')]);
  await runOk('openssl', [...ca, '-gencrl', '-out', p('crl-revoked.pem')]);
}
