import { encodeKeyMethod2Client } from '../keys/key-method-2';
import { buildOptionsString, deviceTypeInOptions } from '../keys/options-string';
import { buildPeerInfo, DEFAULT_IV_PROTO } from '../keys/peer-info';
import { deriveKeysEkm, deriveKeysPrf, splitKey2 } from '../keys/key-derivation';
import { createDataCipher, type AeadCipherFactory, type DataCipher } from '../data/data-cipher';
import type { AeadProvider } from '../data/aead-provider';
import { AEAD_SUITES } from '../data/cipher-suites';
import type { EpochCipherOptions } from '../data/epoch-aead-cipher';
import type { TunnelConfig } from '../control/tunnel-config';
import { err, ok, type Result } from '../wire/result';
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
export function clientOptionsString(settings: Pick<SessionSettings, 'transport' | 'compression' | 'wrap' | 'dataCiphers' | 'dataCiphersFallback' | 'cipher' | 'auth' | 'device'>): string {
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
    devType: settings.device ?? 'tun',
  });
}

/**
 * A server whose options string names the other device type (a dev tun profile against a
 * TAP server, or the reverse) would get IP packets where it expects Ethernet frames: 2.x
 * only warns and passes garbage, so the attempt ends here, before the push.
 */
export function checkServerDevice(settings: Pick<SessionSettings, 'device'>, serverOptions: string | undefined): KeyExchangeError | undefined {
  const ours = settings.device ?? 'tun';
  const theirs = deviceTypeInOptions(serverOptions);
  if (theirs === undefined || theirs === ours) return undefined;
  return { code: 'keys.device_type_mismatch', message: `The server runs dev-type ${theirs}, but this profile says dev ${ours}.` };
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

/** The data-channel packet formats: 2.7's epoch keys, or the classic one (one key per key_id, 4-byte packet id). */
export type DataFormat = 'epoch' | 'classic';

/** True when the push asks for 2.7's epoch data format (`protocol-flags … aead-epoch`). */
export function pushedEpochFormat(config: Pick<TunnelConfig, 'protocolFlags'>): boolean {
  return config.protocolFlags.has('aead-epoch');
}

/**
 * The data format after the push (protocol-2.7.md §1.1): epoch keys when the server pushed
 * `aead-epoch`, which 2.7 refuses without a pushed peer-id (DATA_V2) or with a non-AEAD cipher.
 * Without the flag (a 2.6 server, or a 2.7 server that declined) nothing changes.
 */
export function chooseDataFormat(config: Pick<TunnelConfig, 'protocolFlags' | 'peerId'>, cipher: string): Result<DataFormat, KeyExchangeError> {
  if (!pushedEpochFormat(config)) return ok('classic');
  if (config.peerId === undefined) {
    return err({ code: 'ncp.epoch_needs_peer_id', message: 'The server asked for epoch data keys (aead-epoch) without pushing a peer-id.' });
  }
  if (!AEAD_SUITES[cipher.toUpperCase()]) {
    return err({ code: 'ncp.epoch_needs_aead', message: `The server asked for epoch data keys (aead-epoch) with ${cipher}, which is not an AEAD cipher.` });
  }
  return ok('epoch');
}

/**
 * Data-channel keys of one key_id: TLS-EKM or the legacy PRF, as the server pushed (protocol.md §6).
 * In epoch format the same key2 seeds both chains (2.7 does so whichever way key2 was made).
 */
export function deriveDataCipher(
  key: KeyNegotiation,
  sessionIds: { ownSessionId: Buffer; remoteSessionId: Buffer | undefined },
  cipher: string,
  derivation: 'tls-ekm' | 'prf',
  auth: string,
  implementations: { aead?: AeadProvider | undefined; aeadCipher?: AeadCipherFactory | undefined } = {},
  epoch?: EpochCipherOptions,
): Result<DataCipher, KeyExchangeError> {
  const { aead, aeadCipher } = implementations;
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
  const created = createDataCipher({ cipher, auth, keys: splitKey2(key2, 'client'), ...(aead ? { aead } : {}), ...(aeadCipher ? { aeadCipher } : {}), ...(epoch ? { epoch } : {}) });
  if (created.ok) return created;
  if (created.error.code === 'data.legacy_provider_unavailable') {
    return err({ code: created.error.code, message: `The data cipher ${cipher} needs OpenSSL's legacy provider, which this process has not loaded (providers legacy default).`, data: { kind: 'legacy_cipher', cipher } });
  }
  return err({ code: created.error.code, message: `Data cipher unavailable: ${cipher}.` });
}
