import type { TunnelConfig } from '../control/tunnel-config';
import { SUPPORTED_DATA_CIPHERS } from '../data/data-cipher';
import { err, ok, type Result } from '../wire/result';
import type { SessionEndCode } from './codes';
import type { SessionEndData } from './events';
import type { SessionSettings } from './session-settings';

export type CipherChoiceError = { code: Extract<SessionEndCode, 'ncp.cipher_not_allowed' | 'ncp.no_cipher'>; message: string; data: SessionEndData };

/** What the push said about the data channel: 2.6's OPT_P_NCP options (cipher, key-derivation, protocol-flags). */
export type PushedCrypto = Pick<TunnelConfig, 'cipher' | 'keyDerivation' | 'protocolFlags'>;

/** What 2.6 calls a cipher that nobody chose: its built-in default, never announced (ovpn:options.c options_postprocess_cipher). */
const UNSET_CIPHER = 'BF-CBC';

/**
 * The data cipher once the push is in, decided as the 2.6 client does (ovpn:ssl_ncp.c
 * check_pull_client_ncp and check_session_cipher; shared/protocol-2.7.md §3):
 *  1. The push carried a data-channel option (`cipher`, `key-derivation`, `protocol-flags`):
 *     the pushed cipher (without one, the profile's own: the fallback, else `cipher`, else
 *     BF-CBC). It must be in data-ciphers or be data-ciphers-fallback.
 *  2. Else the `cipher` of the server's options string (OCC: what a 2.4 server without
 *     cipher negotiation runs), if it is in data-ciphers.
 *  3. Else, only when that string names no cipher at all, data-ciphers-fallback. A server
 *     cipher that is named but not allowed never falls back.
 *  4. Else no cipher: the failure carries the server's cipher (if it named one) and our list,
 *     for the sentence that says what to add to the profile.
 */
export function chooseDataCipher(pushed: PushedCrypto, settings: Pick<SessionSettings, 'dataCiphers' | 'dataCiphersFallback' | 'cipher'>, serverOptions: string | undefined): Result<string, CipherChoiceError> {
  const allowed = settings.dataCiphers.map((c) => c.toUpperCase());
  const fallback = settings.dataCiphersFallback?.toUpperCase();
  const usable = (name: string): boolean => SUPPORTED_DATA_CIPHERS.includes(name);
  const data = (serverCipher: string | undefined): SessionEndData => ({
    kind: 'cipher', dataCiphers: allowed, ...(serverCipher === undefined ? {} : { serverCipher }), ...(fallback === undefined ? {} : { dataCiphersFallback: fallback }),
  });
  if (pushed.cipher !== undefined || pushed.keyDerivation === 'tls-ekm' || pushed.protocolFlags.size > 0) {
    const name = (pushed.cipher ?? fallback ?? settings.cipher ?? UNSET_CIPHER).toUpperCase();
    if ((allowed.includes(name) || name === fallback) && usable(name)) return ok(name);
    return err({ code: 'ncp.cipher_not_allowed', message: `The server chose the data cipher ${name}, which is not in this profile's data-ciphers (${allowed.join(':')}).`, data: data(name) });
  }
  const occCipher = serverCipherOf(serverOptions);
  if (occCipher !== undefined && allowed.includes(occCipher) && usable(occCipher)) return ok(occCipher);
  if (occCipher === undefined && fallback !== undefined && usable(fallback)) return ok(fallback);
  const message = occCipher === undefined
    ? 'The server pushed no data cipher, its options name none, and the profile has no data-ciphers-fallback.'
    : `The server uses the data cipher ${occCipher}, which is not in this profile's data-ciphers (${allowed.join(':')}).`;
  return err({ code: 'ncp.no_cipher', message, data: data(occCipher) });
}

/**
 * The value of the first `cipher` item of the server's options string, upper-cased;
 * 2.x writes `[null-cipher]` for none (ovpn:ssl.c key_method_2_read, options.c
 * options_string_extract_option).
 */
export function serverCipherOf(serverOptions: string | undefined): string | undefined {
  const value = /(?:^|,)cipher ([^,]+)/.exec(serverOptions ?? '')?.[1]?.trim();
  if (value === undefined || value === '') return undefined;
  return value === '[null-cipher]' ? 'NONE' : value.toUpperCase();
}
