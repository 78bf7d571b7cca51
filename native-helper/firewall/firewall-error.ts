export type FirewallErrorCode =
  | 'firewall.invalid_input'
  | 'firewall.nft_failed'
  | 'firewall.verify_failed'
  | 'firewall.settings_invalid'
  | 'firewall.settings_untrusted'
  | 'firewall.settings_io';

/** A firewall failure; plain data, safe to log (addresses and nft's stderr, never secrets). */
export interface FirewallError {
  code: FirewallErrorCode;
  message: string;
  /** nft's stderr for nft_failed. */
  stderr?: string;
}

export type FirewallResult<T> = { ok: true; value: T } | { ok: false; error: FirewallError };

export function firewallError(code: FirewallErrorCode, message: string, stderr?: string): FirewallError {
  return stderr === undefined ? { code, message } : { code, message, stderr };
}

/** Thrown by planFirewall for input that fails the schema (a bug in the caller, or bad pushed data). */
export class FirewallInputError extends Error {
  readonly code = 'firewall.invalid_input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FirewallInputError';
  }
}
