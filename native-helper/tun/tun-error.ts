/**
 * Why a TUN device could not be created or configured. The helper reports these across
 * IPC as 'tunnel.tun_failed' with the code in details; `systemCode` is the errno name
 * (EPERM, EBUSY...) when the OS refused.
 */
export type TunErrorCode =
  | 'tun.unsupported_platform'
  | 'tun.addon_not_built'
  | 'tun.open_failed'
  | 'tun.configure_failed'
  | 'tun.device_failed';

export class TunError extends Error {
  override name = 'TunError';
  readonly systemCode: string | undefined;

  constructor(readonly code: TunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    const cause = options?.cause as { code?: unknown } | undefined;
    this.systemCode = typeof cause?.code === 'string' ? cause.code : undefined;
  }
}
