import type { Counters, DataOffloadView, DropReason } from '../../core/index';
import { loadTunAddon, type DataPlaneKey, type DataPlaneStats, type NativeDataPlane, type TunAddon } from '../addon/tun-addon';
import { NativeDataCipher } from '../crypto/native-data-cipher';
import type { TunDevice } from '../tun/index';
import { NativeUdpLink } from '../udp/native-udp-link';

/** Packets per TUN burst and per recvmmsg: the JS path's batch. */
const MAX_BATCH = 64;
/** core's key deadlines are ms on the session clock; the addon takes delays within ±2^40 ms. */
const MAX_DELAY_MS = 2 ** 39;

/** A plane running for one connected session. */
export interface AttachedDataPlane {
  /** The session's keys changed: install them (same turn, so the send key never lags). */
  refreshKeys(): void;
  /** About once a second: tells the session's keepalive timers what the plane carried. */
  tick(): void;
  /** The session's counters with the plane's added. */
  counters(base: Counters): Counters;
  stats(): DataPlaneStats;
  /** Stops the thread and hands the fds back to the JS path. Idempotent. */
  close(): void;
}

/** Starts a plane for this session and device, or says why the JS path stays (a code, for the log). */
export type DataPlaneAttacher = (view: DataOffloadView, tun: TunDevice, mtuBytes: number) => AttachedDataPlane | { fallback: string };

/** Why this session keeps core's TypeScript data path, or undefined when the plane can take it. */
export function fallbackReason(view: DataOffloadView, tun: TunDevice): string | undefined {
  const { settings } = view;
  if (settings.transport !== 'udp') return 'tcp';
  if (!(view.link instanceof NativeUdpLink)) return 'not_native_udp';
  if (settings.device !== 'tun') return 'tap';
  if (settings.epochFormat) return 'epoch_format';
  if (settings.allowDecompression && settings.framing !== 'none') return 'compression';
  if (settings.renegotiateBytes !== undefined && settings.renegotiateBytes > 0) return 'reneg_bytes';
  if (!tun.lendFd) return 'no_tun_fd';
  const keys = view.keys().keys;
  if (!keys.some((key) => key.data)) return 'no_keys';
  if (keys.some((key) => key.data && !(key.data.cipher instanceof NativeDataCipher))) return 'cipher';
  return undefined;
}

/** The helper's attacher: the addon's DataPlane when the session qualifies. */
export function nativeDataPlane(addon?: TunAddon): DataPlaneAttacher {
  return (view, tun, mtuBytes) => {
    const reason = fallbackReason(view, tun);
    if (reason !== undefined) return { fallback: reason };
    return attach(addon ?? loadTunAddon(), view, view.link as NativeUdpLink, tun, mtuBytes) ?? { fallback: 'lend_failed' };
  };
}

function attach(addon: TunAddon, view: DataOffloadView, link: NativeUdpLink, tun: TunDevice, mtuBytes: number): AttachedDataPlane | undefined {
  const socket = link.lendSocket();
  if (!socket) return undefined;
  const device = tun.lendFd?.();
  if (!device) {
    socket.release();
    return undefined;
  }
  const { settings } = view;
  let closed = false;
  const onUp = (buffer: Buffer, lengths: Uint32Array, kinds: Uint8Array, count: number): void => {
    let offset = 0;
    for (let i = 0; i < count && !closed; i++) {
      const length = lengths[i] as number;
      // A fresh Buffer per batch: views are safe to keep (a control packet may be).
      const item = buffer.subarray(offset, offset + length);
      offset += length;
      if (kinds[i] === 0) view.receive(item);
      else if (kinds[i] === 1) view.receivePlaintext(item);
      else link.planeError(item.toString('latin1'));
    }
  };
  let plane: NativeDataPlane;
  try {
    plane = new addon.DataPlane(device.fd, socket.fd, {
      maxBatch: MAX_BATCH, mtu: mtuBytes, maxMss: settings.maxMss ?? -1, framing: settings.framing, peerId: settings.peerId ?? -1,
      // POSTERN_UDP_GSO=0: one datagram per send, for measuring what segmentation offload gives.
      udpGso: process.env['POSTERN_UDP_GSO'] !== '0',
    }, onUp);
  } catch {
    device.release();
    socket.release();
    return undefined;
  }
  const refreshKeys = (): void => {
    if (closed) return;
    const { nowMs, keys } = view.keys();
    plane.setKeys(keys.map((key): DataPlaneKey => ({
      keyId: key.keyId,
      key: key.data?.cipher instanceof NativeDataCipher ? key.data.cipher.key : null,
      encryptNotBeforeInMs: key.data ? clampDelay(key.data.encryptNotBeforeMs - nowMs) : 0,
      peerSendsWithKey: key.data?.peerSendsWithKey ?? false,
    })));
  };
  refreshKeys();
  plane.start();
  return {
    refreshKeys,
    tick() {
      if (closed) return;
      const stats = plane.stats();
      view.noteTraffic(stats.msSinceReceived >= 0 ? stats.msSinceReceived : undefined, stats.msSinceSent >= 0 ? stats.msSinceSent : undefined);
    },
    counters: (base) => addPlaneCounters(base, plane.stats()),
    stats: () => plane.stats(),
    close() {
      if (closed) return;
      closed = true;
      plane.stop();
      device.release();
      socket.release();
    },
  };
}

function clampDelay(ms: number): number {
  return Math.round(Math.max(-MAX_DELAY_MS, Math.min(MAX_DELAY_MS, ms)));
}

/** The session's counters plus what the plane carried and dropped (the plane's codes are core's). */
export function addPlaneCounters(base: Counters, plane: DataPlaneStats): Counters {
  const drops = { ...base.drops };
  for (const [code, count] of Object.entries(plane.drops)) drops[code as DropReason] = (drops[code as DropReason] ?? 0) + count;
  return {
    ...base,
    bytesIn: base.bytesIn + plane.bytesIn,
    bytesOut: base.bytesOut + plane.bytesOut,
    packetsIn: base.packetsIn + plane.packetsIn,
    packetsOut: base.packetsOut + plane.packetsOut,
    tunBytesIn: base.tunBytesIn + plane.tunBytesIn,
    tunBytesOut: base.tunBytesOut + plane.tunBytesOut,
    drops,
  };
}
