import { createRequire } from 'node:module';
import { createSecureContext } from 'node:tls';
import type Forge from 'node-forge';
import type { Result } from '../wire/result';
import { ok, err } from '../wire/result';

export interface PemCredentials {
  cert: string;
  key: string;
  extraCerts: string[];
}

export type Pkcs12Error = { code: 'tls.pkcs12_password' | 'tls.pkcs12_invalid'; message: string };

/**
 * Turns a PKCS#12 file into PEM. OpenSSL 3 reads modern files itself; legacy ones
 * (RC2-40, as older easy-rsa and many provider exports made them) it refuses, so those
 * go through node-forge, which still implements the legacy ciphers.
 */
export function pkcs12ToPem(der: Buffer, password: string): Result<PemCredentials | 'native', Pkcs12Error> {
  try {
    createSecureContext({ pfx: der, passphrase: password });
    return ok('native');
  } catch (nativeError) {
    const converted = convertWithForge(der, password);
    if (converted.ok) return converted;
    const message = String((nativeError as Error).message);
    if (/mac verify failure|invalid password/i.test(message)) {
      return err({ code: 'tls.pkcs12_password', message: 'The PKCS#12 password is wrong.' });
    }
    return converted;
  }
}

/**
 * node-forge is loaded on first use: only legacy PKCS#12 files need it, and loading its
 * 600 kB on every start would cost every connect ~15 ms (the CLI bundle keeps it external).
 */
let loadedForge: typeof Forge | undefined;
function forgeLibrary(): typeof Forge {
  loadedForge ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return loadedForge;
}

function convertWithForge(der: Buffer, password: string): Result<PemCredentials, Pkcs12Error> {
  const forge = forgeLibrary();
  const { SHROUDED_KEY_BAG, KEY_BAG, CERT_BAG } = bagTypes(forge);
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = String((error as Error).message);
    if (/mac|password/i.test(message)) return err({ code: 'tls.pkcs12_password', message: 'The PKCS#12 password is wrong.' });
    return err({ code: 'tls.pkcs12_invalid', message: `The PKCS#12 file cannot be read: ${message}` });
  }
  const keyBags = [...bagsOf(p12, SHROUDED_KEY_BAG), ...bagsOf(p12, KEY_BAG)];
  const certBags = bagsOf(p12, CERT_BAG);
  const keyBag = keyBags[0];
  if (!keyBag) return err({ code: 'tls.pkcs12_invalid', message: 'The PKCS#12 file holds no private key.' });
  // forge only models RSA keys; for other key types it keeps the ASN.1, which we wrap as PKCS#8.
  const key = keyBag.key
    ? forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)))
    : keyBag.asn1 ? forge.pki.privateKeyInfoToPem(keyBag.asn1) : undefined;
  if (!key) return err({ code: 'tls.pkcs12_invalid', message: 'The PKCS#12 private key cannot be read.' });
  const localKeyId = keyBag.attributes['localKeyId']?.[0];
  const pems = certBags.map((bag) => ({
    pem: bag.cert ? forge.pki.certificateToPem(bag.cert) : bag.asn1 ? derToPemCertificate(bag.asn1) : '',
    isLeaf: localKeyId !== undefined && bag.attributes['localKeyId']?.[0] === localKeyId,
  })).filter((c) => c.pem.length > 0);
  const leaf = pems.find((c) => c.isLeaf) ?? pems[0];
  if (!leaf) return err({ code: 'tls.pkcs12_invalid', message: 'The PKCS#12 file holds no certificate.' });
  return ok({ cert: leaf.pem, key, extraCerts: pems.filter((c) => c !== leaf).map((c) => c.pem) });
}

function bagTypes(forge: typeof Forge): { SHROUDED_KEY_BAG: string; KEY_BAG: string; CERT_BAG: string } {
  return {
    SHROUDED_KEY_BAG: forge.pki.oids['pkcs8ShroudedKeyBag'] ?? '1.2.840.113549.1.12.10.1.2',
    KEY_BAG: forge.pki.oids['keyBag'] ?? '1.2.840.113549.1.12.10.1.1',
    CERT_BAG: forge.pki.oids['certBag'] ?? '1.2.840.113549.1.12.10.1.3',
  };
}

function bagsOf(p12: Forge.pkcs12.Pkcs12Pfx, bagType: string): Forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

function derToPemCertificate(asn1: Forge.asn1.Asn1): string {
  const der = Buffer.from(forgeLibrary().asn1.toDer(asn1).getBytes(), 'binary');
  const body = der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
