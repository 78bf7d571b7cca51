// The public API of native-helper/tun: the TunDevice interface, its factory, and the
// test double with the packet builders that tests of the tunnel reuse.
import type { TunDevice, TunDeviceOptions } from './tun-device';
import { TunError } from './tun-error';
import { LinuxTunDevice } from './tun-linux';

export type { TunDevice, TunDeviceOptions } from './tun-device';
export { DEFAULT_MAX_BATCH, TAP_FRAME_EXTRA_BYTES } from './tun-device';
export { TunError, type TunErrorCode } from './tun-error';
export { LinuxTunDevice } from './tun-linux';
export { MemoryTunDevice, POISON_BYTE, type MemoryTunOptions } from './tun-memory';

/**
 * Creates, configures (MTU, up) and returns the TUN device for this platform. Only Linux
 * has one so far; tun-device.ts describes how darwin and win32 would plug in here.
 */
export function createTunDevice(options: TunDeviceOptions, platform: NodeJS.Platform = process.platform): TunDevice {
  switch (platform) {
    case 'linux':
      return LinuxTunDevice.open(options);
    default:
      throw new TunError('tun.unsupported_platform', `no TUN device implementation for platform '${platform}'`);
  }
}
