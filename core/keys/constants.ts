/**
 * Key-method 2 and key-derivation constants (ovpn:ssl.h, ssl.c, ssl_backend.h, misc.h).
 */

/** Key method written after the leading u32 zero; the high nibble carries flags (none used). */
export const KEY_METHOD_2 = 2;
/** Low nibble of the key-method byte (KEY_METHOD_MASK, ovpn:ssl.h). */
export const KEY_METHOD_MASK = 0x0f;

export const PRE_MASTER_BYTES = 48;
export const RANDOM_BYTES = 32;
/** Control-channel session ids (SID_SIZE, ovpn:session_id.h). */
export const SESSION_ID_BYTES = 8;

/** The options string, NUL included, may not exceed this (TLS_OPTIONS_LEN, ovpn:ssl.h). */
export const TLS_OPTIONS_LEN = 512;
/**
 * Username and password, NUL included, are read into buffers of this size by
 * servers built without PKCS#11 (USER_PASS_LEN, ovpn:misc.h); a longer field
 * is answered with AUTH_FAILED. PKCS#11 builds allow 4096.
 */
export const USER_PASS_LEN = 128;

/**
 * Shortest server reply we accept: u32 zero, key method, random1, random2 and
 * the options-string length (4 + 1 + 32 + 32 + 2). Everything after is optional
 * (ovpn:ssl.c key_method_2_read; mihomo#3085 shows servers that stop early).
 */
export const KEY_METHOD_2_SERVER_MIN_BYTES = 71;

/** PRF labels (KEY_EXPANSION_ID "OpenVPN", ovpn:ssl.c generate_key_expansion_openvpn_prf). */
export const PRF_LABEL_MASTER_SECRET = 'OpenVPN master secret';
export const PRF_LABEL_KEY_EXPANSION = 'OpenVPN key expansion';
export const MASTER_SECRET_BYTES = 48;

/** TLS-EKM label for the data-channel keys; exported with NO context (ovpn:ssl_backend.h). */
export const EKM_LABEL_DATA_KEYS = 'EXPORTER-OpenVPN-datakeys';

/** struct key2 (ovpn:crypto.h): two keys of cipher[64] ‖ hmac[64]. */
export const KEY_SLOT_HALF_BYTES = 64;
export const KEY2_BYTES = 256;
