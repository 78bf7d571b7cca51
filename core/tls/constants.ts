/**
 * TLS limits on the OpenVPN control channel.
 * The peer reads TLS plaintext one record at a time into a 2048-byte buffer
 * (TLS_CHANNEL_BUF_SIZE, ovpn:common.h; ssl_openssl.c bio_read), so every
 * control message we send must be one write of at most this many bytes.
 */
export const TLS_CHANNEL_BUF_SIZE = 2048;

/** `tls-cert-profile` → OpenSSL security level (ovpn-doc:man-sections/tls-options.rst). */
export const CERT_PROFILE_SECURITY_LEVEL: Record<string, number> = {
  insecure: 0,
  legacy: 1,
  preferred: 2,
  suiteb: 3,
};

/** OID of the keyUsage extension (2.5.29.15), DER-encoded with its tag and length. */
export const KEY_USAGE_OID_DER = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);

/** extendedKeyUsage serverAuth. */
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
