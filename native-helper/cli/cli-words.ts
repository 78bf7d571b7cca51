import type { SummaryCaution } from '../../core/index';
import type { ErrorData, RenegotiationCause } from '../api/index';

/**
 * The CLI's words for codes whose data says more than the code: the window has its own
 * (electron/api/words.ts), which the helper may not import. Kept short for a terminal.
 */

/** Ciphers only OpenSSL's legacy provider has (core/config LEGACY_PROVIDER_CIPHERS). */
const LEGACY_PROVIDER_CIPHERS = new Set(['BF-CBC', 'CAST5-CBC', 'DES-CBC', 'SEED-CBC', 'RC2-CBC']);

const MOVE_TO_GCM = 'Better: have the server moved to AES-256-GCM.';

/** What to do about an error, from its data; undefined when the data adds nothing. */
export function errorDataLine(code: string, data: ErrorData | undefined): string | undefined {
  if (data === undefined) return undefined;
  switch (data.kind) {
    case 'cipher': {
      const server = data.serverCipher;
      if (server === undefined || server === 'NONE') {
        return code === 'ncp.no_cipher' ? 'The server names no cipher and the profile has no data-ciphers-fallback: add data-ciphers-fallback with the server\'s cipher.' : undefined;
      }
      const legacy = LEGACY_PROVIDER_CIPHERS.has(server) ? ' and the line "providers legacy default"' : '';
      return `The server uses ${server}, which the profile does not allow: add it to data-ciphers ("data-ciphers ${[...data.dataCiphers, server].join(':')}")${legacy}. ${MOVE_TO_GCM}`;
    }
    case 'legacy_cipher':
      return `The server uses ${data.cipher}, which needs the line "providers legacy default" in the profile. ${MOVE_TO_GCM}`;
    case 'provider':
      return `The OpenSSL provider "${data.provider}" (the profile's providers line) could not be loaded.`;
  }
}

/** `postern check`'s line for a caution in the profile's summary. */
export function cautionLine(caution: SummaryCaution): string {
  switch (caution.code) {
    case 'small_block_cipher':
      return `${caution.ciphers.join(', ')}: 64-bit blocks, weak (SWEET32); Postern renews keys every 64 MB. Ask the server's administrator to move to AES-256-GCM.`;
  }
}

/** Who started a renegotiation, for `postern status` (the window's words: electron/api/words.ts). */
export const RENEGOTIATION_CAUSE_WORDS: Record<RenegotiationCause, string> = {
  server: 'the server asked',
  reneg_sec: 'on schedule, reneg-sec',
  reneg_bytes: 'after the data limit, reneg-bytes',
  packet_ids: 'its packet counter was running out',
};
