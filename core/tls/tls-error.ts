import { ProtocolError } from '../wire/errors';

export type TlsErrorCode =
  | 'tls.certificate_untrusted'
  | 'tls.certificate_expired'
  | 'tls.certificate_revoked'
  | 'tls.remote_cert_tls'
  | 'tls.verify_x509_name'
  | 'tls.peer_fingerprint'
  | 'tls.no_peer_certificate'
  | 'tls.client_credentials'
  | 'tls.handshake_failed';

/** A TLS failure with a stable code; certificate problems are fatal (no endless retry). */
export class TlsError extends ProtocolError {
  override name = 'TlsError';
  constructor(override readonly code: TlsErrorCode, message: string, fatal: boolean, options?: { cause?: unknown }) {
    super(code, message, fatal, options);
  }
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA', 'INVALID_PURPOSE', 'UNABLE_TO_GET_CRL',
  'EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK',
]);

/** Maps what OpenSSL/node:tls reported to one of our codes, keeping the cause. */
export function classifyTlsFailure(error: Error): TlsError {
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof TlsError) return error;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new TlsError('tls.certificate_expired', `The server certificate is not valid now (${code}).`, true, { cause: error });
  }
  if (code === 'CERT_REVOKED') {
    return new TlsError('tls.certificate_revoked', 'The server certificate has been revoked (crl-verify).', true, { cause: error });
  }
  if (UNTRUSTED.has(code)) {
    return new TlsError('tls.certificate_untrusted', `The server certificate is not signed by the profile's CA (${code}).`, true, { cause: error });
  }
  return new TlsError('tls.handshake_failed', `TLS handshake failed: ${error.message}`, false, { cause: error });
}
