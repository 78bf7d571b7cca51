import { encodeExit } from '../control/encode-control-message';
import { encodeOccExit } from '../data/ping-occ';
import type { DataPath } from './data-path';
import type { KeyNegotiation } from './key-negotiation';
import type { SessionSettings } from './session-settings';
import type { LiveState } from './session-state';

/**
 * explicit-exit-notify: EXIT on the control channel when the server accepts it (cc-exit),
 * else OCC_EXIT on the data channel (UDP). Only a connected session tells the server.
 * Returns true when `onSent` will be called (the EXIT is encrypted asynchronously).
 */
export function notifyExit(
  live: LiveState, keys: readonly KeyNegotiation[], data: DataPath, settings: SessionSettings, nowMs: number, onSent: () => void,
): boolean {
  if (live.kind !== 'connected') return false;
  if (live.config.protocolFlags.has('cc-exit')) {
    const tls = keys.find((k) => k.state.kind === 'established')?.tls;
    if (!tls) return false;
    tls.writeMessage(encodeExit(), onSent);
    return true;
  }
  if (settings.transport === 'udp' && settings.explicitExitNotify) data.sendPlaintext(encodeOccExit(), keys, nowMs);
  return false;
}
