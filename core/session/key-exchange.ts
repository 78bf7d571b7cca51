import { encodeKeyMethod2Client } from '../keys/key-method-2';
import { buildOptionsString } from '../keys/options-string';
import { buildPeerInfo, DEFAULT_IV_PROTO } from '../keys/peer-info';
import { deriveKeysEkm, deriveKeysPrf, splitKey2 } from '../keys/key-derivation';
import { createDataCipher, type DataCipher } from '../data/data-cipher';
import type { AeadProvider } from '../data/aead-provider';
import { err, type Result } from '../wire/result';
import type { KeyNegotiation } from './key-negotiation';
import type { SessionSettings } from './session-settings';
import type { SessionEndCode } from './codes';
import type { SessionEndData } from './events';

export type KeyExchangeError = { code: SessionEndCode; message: string; data?: SessionEndData };

/** Our key-method 2 message for one key_id: randoms, options, credentials or token, peer-info (protocol.md §5). */
export function encodeClientKeyMethod(key: KeyNegotiation, settings: SessionSettings): Result<Buffer, KeyExchangeError> {
  const token = settings.authToken;
  const username = token ? token.username ?? settings.credentials?.username : settings.credentials?.username;
  const password = token ? token.token : settings.credentials?.password;
  const encoded = encodeKeyMethod2Client({
    preMaster: key.preMaster,
    random1: key.random1,
    random2: key.random2,
    optionsString: clientOptionsString(settings),
    username,
    password,
    peerInfo: peerInfoFor(settings),
  });
  if (encoded.ok) return encoded;
  return err({ code: 'auth.credentials_too_long', message: `The ${encoded.error.field} is too long for OpenVPN (${encoded.error.code}).` });
}

/**
 * Our OCC options string. 2.6's own cipher is data-ciphers-fallback, else `cipher`, else
 * BF-CBC, and it is named only when it is among data-ciphers (ovpn:options.c options_string):
 * a 2.4 server reads it, and one that runs that cipher then works without negotiation.
 */
export function clientOptionsString(settings: Pick<SessionSettings, 'transport' | 'compression' | 'wrap' | 'dataCiphers' | 'dataCiphersFallback' | 'cipher' | 'auth'>): string {
  const wrap = settings.wrap;
  const own = (settings.dataCiphersFallback ?? settings.cipher ?? 'BF-CBC').toUpperCase();
  return buildOptionsString({
    transport: settings.transport,
    compression: settings.compression,
    keyDirection: wrap.kind === 'tls-auth' ? wrap.direction : undefined,
    tlsAuth: wrap.kind === 'tls-auth',
    cipher: own,
    announceCipher: settings.dataCiphers.some((c) => c.toUpperCase() === own),
    auth: settings.auth,
  });
}

function peerInfoFor(settings: SessionSettings): string {
  return buildPeerInfo({
    version: settings.peerInfo.version,
    platform: 'linux',
    ciphers: settings.dataCiphers,
    ivProto: settings.peerInfo.ivProto ?? DEFAULT_IV_PROTO,
    compression: settings.allowDecompression ? { lz4: true, lzo: true } : 'stubs',
    guiVersion: settings.peerInfo.guiVersion,
    sso: settings.peerInfo.sso,
    extra: settings.peerInfo.extra,
  });
}

/** Data-channel keys of one key_id: TLS-EKM or the legacy PRF, as the server pushed (protocol.md §6). */
export function deriveDataCipher(
  key: KeyNegotiation,
  sessionIds: { ownSessionId: Buffer; remoteSessionId: Buffer | undefined },
  cipher: string,
  derivation: 'tls-ekm' | 'prf',
  auth: string,
  aead?: AeadProvider,
): Result<DataCipher, KeyExchangeError> {
  const tls = key.tls;
  const server = key.server;
  if (!tls || !server || !sessionIds.remoteSessionId) return err({ code: 'keys.not_ready', message: 'Key exchange incomplete.' });
  const key2 = derivation === 'tls-ekm'
    ? deriveKeysEkm((length, label) => tls.exportKeyingMaterial(length, label))
    : deriveKeysPrf({
      clientPreMaster: key.preMaster,
      clientRandom1: key.random1,
      serverRandom1: server.random1,
      clientRandom2: key.random2,
      serverRandom2: server.random2,
      clientSessionId: sessionIds.ownSessionId,
      serverSessionId: sessionIds.remoteSessionId,
    });
  const created = createDataCipher({ cipher, auth, keys: splitKey2(key2, 'client'), ...(aead ? { aead } : {}) });
  if (created.ok) return created;
  if (created.error.code === 'data.legacy_provider_unavailable') {
    return err({ code: created.error.code, message: `The data cipher ${cipher} needs OpenSSL's legacy provider, which this process has not loaded (providers legacy default).`, data: { kind: 'legacy_cipher', cipher } });
  }
  return err({ code: created.error.code, message: `Data cipher unavailable: ${cipher}.` });
}
