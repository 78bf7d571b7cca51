import { BugError } from '../wire/errors';
import {
  EKM_LABEL_DATA_KEYS, KEY2_BYTES, KEY_SLOT_HALF_BYTES, MASTER_SECRET_BYTES, PRE_MASTER_BYTES,
  PRF_LABEL_KEY_EXPANSION, PRF_LABEL_MASTER_SECRET, RANDOM_BYTES, SESSION_ID_BYTES,
} from './constants';
import { tls1Prf } from './tls1-prf';

/**
 * Data-channel key material: a `struct key2` of 256 bytes (ovpn:crypto.h),
 *
 *   0–63 K0.cipher | 64–127 K0.hmac | 128–191 K1.cipher | 192–255 K1.hmac
 *
 * built either from the TLS session (EKM) or with the legacy PRF. Which one
 * follows what the server PUSHED (`key-derivation tls-ekm` or
 * `protocol-flags … tls-ekm`), never what we announced.
 */
export interface PrfInputs {
  clientPreMaster: Buffer;
  clientRandom1: Buffer;
  serverRandom1: Buffer;
  clientRandom2: Buffer;
  serverRandom2: Buffer;
  /** Our control-channel session id. */
  clientSessionId: Buffer;
  /** The server's (on 2.6 UDP servers, its HMAC cookie). */
  serverSessionId: Buffer;
}

/**
 * Legacy derivation (ovpn:ssl.c generate_key_expansion_openvpn_prf):
 *   master = PRF(pre_master, "OpenVPN master secret" ‖ c.random1 ‖ s.random1, 48)
 *   key2   = PRF(master, "OpenVPN key expansion" ‖ c.random2 ‖ s.random2 ‖ c.sid ‖ s.sid, 256)
 */
export function deriveKeysPrf(inputs: PrfInputs): Buffer {
  requireLength('clientPreMaster', inputs.clientPreMaster, PRE_MASTER_BYTES);
  for (const name of ['clientRandom1', 'serverRandom1', 'clientRandom2', 'serverRandom2'] as const) {
    requireLength(name, inputs[name], RANDOM_BYTES);
  }
  requireLength('clientSessionId', inputs.clientSessionId, SESSION_ID_BYTES);
  requireLength('serverSessionId', inputs.serverSessionId, SESSION_ID_BYTES);
  const master = tls1Prf(
    inputs.clientPreMaster,
    Buffer.concat([Buffer.from(PRF_LABEL_MASTER_SECRET, 'latin1'), inputs.clientRandom1, inputs.serverRandom1]),
    MASTER_SECRET_BYTES,
  );
  const key2 = tls1Prf(
    master,
    Buffer.concat([
      Buffer.from(PRF_LABEL_KEY_EXPANSION, 'latin1'), inputs.clientRandom2, inputs.serverRandom2,
      inputs.clientSessionId, inputs.serverSessionId,
    ]),
    KEY2_BYTES,
  );
  master.fill(0);
  return key2;
}

/**
 * TLS-EKM derivation: 256 bytes exported from this key_id's TLS session with
 * the label `EXPORTER-OpenVPN-datakeys` and NO context (ovpn:ssl_openssl.c
 * uses use_context=0). Pass `(len, label) => tlsSocket.exportKeyingMaterial(len, label)`
 * — with the context argument omitted; an empty Buffer gives other keys under TLS 1.2.
 */
export function deriveKeysEkm(exportKeyingMaterial: (lengthBytes: number, label: string) => Buffer): Buffer {
  const key2 = exportKeyingMaterial(KEY2_BYTES, EKM_LABEL_DATA_KEYS);
  requireLength('exported keying material', key2, KEY2_BYTES);
  return key2;
}

/** One direction's key: only the leading bytes of each half are used (key length, 8-byte implicit IV, HMAC length). */
export interface KeySlot {
  cipherKey: Buffer;
  hmacKey: Buffer;
}

export interface DataKeys {
  encrypt: KeySlot;
  decrypt: KeySlot;
}

/**
 * Splits key2 into send and receive slots. The data channel uses direction
 * NORMAL for the client: it encrypts with K0 and decrypts with K1; the server
 * does the opposite (ovpn:ssl.c init_key_contexts, crypto.c key_direction_state_init).
 * The slots are copies: key2 may be wiped afterwards.
 */
export function splitKey2(key2: Buffer, role: 'client' | 'server' = 'client'): DataKeys {
  requireLength('key2', key2, KEY2_BYTES);
  const k0 = slot(key2, 0);
  const k1 = slot(key2, 2 * KEY_SLOT_HALF_BYTES);
  return role === 'client' ? { encrypt: k0, decrypt: k1 } : { encrypt: k1, decrypt: k0 };
}

function slot(key2: Buffer, offset: number): KeySlot {
  return {
    cipherKey: Buffer.from(key2.subarray(offset, offset + KEY_SLOT_HALF_BYTES)),
    hmacKey: Buffer.from(key2.subarray(offset + KEY_SLOT_HALF_BYTES, offset + 2 * KEY_SLOT_HALF_BYTES)),
  };
}

function requireLength(name: string, buf: Buffer, length: number): void {
  if (buf.length !== length) throw new BugError(`key derivation: ${name} must be ${length} bytes, got ${buf.length}`);
}
