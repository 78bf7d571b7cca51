import type { X509Certificate } from 'node:crypto';
import { EKU_SERVER_AUTH, KEY_USAGE_OID_DER } from './constants';

/** What the profile asks us to check about the server's certificate beyond its chain. */
export interface PeerCheck {
  /** `remote-cert-tls server`. */
  remoteCertTlsServer: boolean;
  /** `verify-x509-name NAME [subject|name|name-prefix]`. */
  verifyX509Name?: { name: string; type: 'subject' | 'name' | 'name-prefix' };
  /** `remote-cert-eku OID`: the leaf's extendedKeyUsage must contain it. */
  remoteCertEku?: string;
  /** `peer-fingerprint`: SHA-256 of the leaf (upper-case hex with colons); one must match. */
  peerFingerprints?: string[];
}

export type PeerCheckFailure =
  | { code: 'tls.remote_cert_tls'; message: string }
  | { code: 'tls.verify_x509_name'; message: string }
  | { code: 'tls.peer_fingerprint'; message: string };

/**
 * Checks the leaf certificate the way OpenVPN 2.x does after OpenSSL accepted the chain.
 * No hostname check: OpenVPN never matches the remote's name against the certificate
 * (protocol.md §4); `verify-x509-name` is the way a profile pins the server's identity.
 */
export function checkPeerCertificate(leaf: X509Certificate, check: PeerCheck): PeerCheckFailure | undefined {
  if (check.remoteCertTlsServer) {
    // keyUsage must be present (its values are OpenSSL's business) and EKU must say serverAuth
    // (ovpn:ssl_verify_openssl.c x509_verify_cert_ku / _eku).
    if (!leaf.raw.includes(KEY_USAGE_OID_DER)) {
      return { code: 'tls.remote_cert_tls', message: 'The server certificate has no keyUsage extension, which remote-cert-tls server requires.' };
    }
    const eku = leaf.keyUsage ?? [];
    if (!eku.includes(EKU_SERVER_AUTH)) {
      return { code: 'tls.remote_cert_tls', message: 'The server certificate is not marked for TLS server use (extendedKeyUsage serverAuth), which remote-cert-tls server requires.' };
    }
  }
  if (check.remoteCertEku && !(leaf.keyUsage ?? []).includes(check.remoteCertEku)) {
    return { code: 'tls.remote_cert_tls', message: `The server certificate lacks the extended key usage ${check.remoteCertEku} (remote-cert-eku).` };
  }
  if (check.peerFingerprints && check.peerFingerprints.length > 0 && !check.peerFingerprints.includes(leaf.fingerprint256.toUpperCase())) {
    return { code: 'tls.peer_fingerprint', message: `The server certificate's fingerprint ${leaf.fingerprint256} is not one of the profile's peer-fingerprint values.` };
  }
  if (check.verifyX509Name) {
    const { name, type } = check.verifyX509Name;
    const commonName = commonNameOf(leaf);
    const matches = type === 'subject' ? openvpnSubject(leaf) === name
      : type === 'name' ? commonName === name
        : commonName !== undefined && commonName.startsWith(name);
    if (!matches) {
      const shown = type === 'subject' ? openvpnSubject(leaf) : commonName ?? '(none)';
      return { code: 'tls.verify_x509_name', message: `The server certificate's ${type === 'subject' ? 'subject' : 'common name'} "${shown}" does not match verify-x509-name "${name}".` };
    }
  }
  return undefined;
}

/** The subject as OpenVPN prints it: RDNs in certificate order joined by ", " (ovpn:ssl_verify.c). */
export function openvpnSubject(leaf: X509Certificate): string {
  return leaf.subject.split('\n').filter((line) => line.length > 0).join(', ');
}

export function commonNameOf(leaf: X509Certificate): string | undefined {
  const line = leaf.subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}
