import type { Socket } from 'node:net';
import { loadTunAddon } from '../addon/tun-addon';
import type { Caller } from '../service/tunnel-backend';

/** Names the process at the other end of an accepted Unix socket. Throws when the kernel will not say. */
export type PeerCredentialsReader = (socket: Socket) => Caller;

/**
 * SO_PEERCRED and SO_PEERGROUPS through the addon: the uid, pid and groups the kernel recorded at connect(),
 * which a client cannot forge. Loads the addon now, so a helper without it fails at
 * start (AddonNotBuiltError, with the command that builds it), not at the first client.
 */
export function addonPeerCredentials(): PeerCredentialsReader {
  const addon = loadTunAddon();
  return (socket) => {
    // Node exposes no public fd for accepted sockets; libuv's pipe handle has it on Unix.
    const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) throw new Error('the accepted socket has no file descriptor');
    const { uid, pid, gid, groups } = addon.getPeerCredentials(fd);
    return { uid, pid, gid, groups };
  };
}
