import { TAP_MTU_EXTRA_BYTES } from '../config/constants';

/**
 * The OCC options string sent inside key-method 2 (ovpn:options_string.c
 * options_string, mtu.c calc_options_string_link_mtu). 2.6 servers only warn on
 * a mismatch, but they read two items: `cipher X` (the data cipher of clients
 * without IV_CIPHERS/IV_NCP) and `,comp-lzo,` (for `compress migrate`).
 *
 * Order: V4, dev-type, link-mtu, tun-mtu, proto, [comp-lzo], [keydir N],
 * [cipher C], auth A, keysize K, [tls-auth], key-method 2, tls-client.
 */
export interface OptionsStringInput {
  devType?: 'tun' | 'tap';
  /** Default 1500. */
  tunMtuBytes?: number;
  /** 2.x always says UDPv4 / TCPv4_CLIENT, whatever the address family (ovpn:socket.c proto_remote). */
  transport: 'udp' | 'tcp';
  /** Any compress/comp-lzo directive in the profile, stubs included ("compression context active"). */
  compression?: 'none' | 'lzo' | 'stub' | 'lz4' | 'stub-v2' | 'lz4-v2';
  /** From `key-direction` or the tls-auth direction argument; absent when bidirectional. */
  keyDirection?: 0 | 1;
  tlsAuth?: boolean;
  /**
   * The cipher 2.6 holds as its own (data-ciphers-fallback, else `cipher`); it sizes
   * link-mtu and keysize. Absent: 2.6 computes with BF-CBC internally.
   */
  cipher?: string;
  /**
   * Whether `cipher X` is written: 2.6 announces its cipher only when it is among its
   * data-ciphers (ovpn:options.c options_string). Default: true when `cipher` is given.
   */
  announceCipher?: boolean;
  /** `auth` digest; default SHA1. Ignored (shown as [null-digest]) for AEAD ciphers. */
  auth?: string;
}

interface CipherShape { aead: boolean; keyBytes: number; ivBytes: number; blockBytes: number; tagBytes: number }

/**
 * Sizes as 2.x reports them for the link-mtu arithmetic: for GCM it uses the
 * block size of the underlying block cipher (16), for ChaCha20 1
 * (ovpn:crypto_openssl.c cipher_kt_block_size).
 */
const CIPHER_SHAPES: Record<string, CipherShape> = {
  'AES-128-GCM': { aead: true, keyBytes: 16, ivBytes: 12, blockBytes: 16, tagBytes: 16 },
  'AES-192-GCM': { aead: true, keyBytes: 24, ivBytes: 12, blockBytes: 16, tagBytes: 16 },
  'AES-256-GCM': { aead: true, keyBytes: 32, ivBytes: 12, blockBytes: 16, tagBytes: 16 },
  'CHACHA20-POLY1305': { aead: true, keyBytes: 32, ivBytes: 12, blockBytes: 1, tagBytes: 16 },
  'AES-128-CBC': { aead: false, keyBytes: 16, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  'AES-192-CBC': { aead: false, keyBytes: 24, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  'AES-256-CBC': { aead: false, keyBytes: 32, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  'CAST5-CBC': { aead: false, keyBytes: 16, ivBytes: 8, blockBytes: 8, tagBytes: 0 },
  'DES-EDE3-CBC': { aead: false, keyBytes: 24, ivBytes: 8, blockBytes: 8, tagBytes: 0 },
  'CAMELLIA-128-CBC': { aead: false, keyBytes: 16, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  'CAMELLIA-192-CBC': { aead: false, keyBytes: 24, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  'CAMELLIA-256-CBC': { aead: false, keyBytes: 32, ivBytes: 16, blockBytes: 16, tagBytes: 0 },
  // BF-CBC is absent on purpose: 2.6 sizes it as the stand-in below, whether named or not.
};

const DIGEST_BYTES: Record<string, number> = { SHA1: 20, SHA224: 28, SHA256: 32, SHA384: 48, SHA512: 64, MD5: 16 };

/** Data-channel packet-id in TLS mode (short form). */
const PACKET_ID_BYTES = 4;

/**
 * What a peer's options string says its device is (`dev-type tun|tap`), or undefined when it
 * does not say. 2.x only warns on a mismatch and then carries IP packets one way and
 * Ethernet frames the other; the caller decides.
 */
export function deviceTypeInOptions(options: string | undefined): string | undefined {
  return /(?:^|,)dev-type ([^,]+)/.exec(options ?? '')?.[1];
}

export function buildOptionsString(input: OptionsStringInput): string {
  const tunMtu = input.tunMtuBytes ?? 1500;
  const cipherName = input.cipher?.toUpperCase();
  const shape = cipherName === undefined ? undefined : CIPHER_SHAPES[cipherName];
  const auth = shape?.aead ? '[null-digest]' : (input.auth ?? 'SHA1').toUpperCase();
  const items = [
    'V4',
    `dev-type ${input.devType ?? 'tun'}`,
    `link-mtu ${linkMtu(input, tunMtu, shape, auth)}`,
    `tun-mtu ${tunMtu}`,
    `proto ${input.transport === 'udp' ? 'UDPv4' : 'TCPv4_CLIENT'}`,
  ];
  if (input.compression !== undefined && input.compression !== 'none') items.push('comp-lzo');
  if (input.keyDirection !== undefined) items.push(`keydir ${input.keyDirection}`);
  if (cipherName !== undefined && (input.announceCipher ?? true)) items.push(`cipher ${cipherName}`);
  // Without a cipher 2.6 computes with BF-CBC, whose key size it reports as 128.
  items.push(`auth ${auth}`, `keysize ${shape ? shape.keyBytes * 8 : 128}`);
  if (input.tlsAuth) items.push('tls-auth');
  items.push('key-method 2', 'tls-client');
  return items.join(',');
}

/** link-mtu = payload (tun-mtu + framing) + protocol header + crypto overhead, with OCC's extras. */
function linkMtu(input: OptionsStringInput, tunMtu: number, shape: CipherShape | undefined, auth: string): number {
  const v1Compression = input.compression === 'lzo' || input.compression === 'stub' || input.compression === 'lz4';
  let payload = tunMtu + (input.devType === 'tap' ? TAP_MTU_EXTRA_BYTES : 0) + (v1Compression ? 1 : 0);
  let header = (input.transport === 'tcp' ? 2 : 0) + 1; // TCP length prefix; opcode (no peer-id yet)
  const digest = DIGEST_BYTES[auth] ?? 0;
  if (shape === undefined) {
    // BF-CBC stand-in: 8-byte block + 8-byte IV, cipher "none" otherwise.
    header += 16 + PACKET_ID_BYTES + digest;
  } else if (shape.aead) {
    header += PACKET_ID_BYTES + shape.tagBytes + shape.ivBytes + shape.blockBytes;
  } else {
    payload += PACKET_ID_BYTES; // CBC carries the packet-id inside the ciphertext
    header += shape.blockBytes + shape.ivBytes + digest;
  }
  return payload + header;
}
