/**
 * Version of the helper socket protocol. The schema only grows: a breaking change
 * gets a new method name and a major bump (style.md §2).
 */
// 1.1: the codes ipc.not_in_group, ipc.idle, ipc.not_reading and tunnel.network_busy; a reason on every state event.
// 1.2: killswitch.get / killswitch.set, the killswitch and leak_check events, leakCheck in a session's status,
//      carriesDefault in the tunnel, the codes killswitch.failed and killswitch.unavailable.
// 1.3: the code helper.stopping (a tunnel ended by SIGTERM to the helper, not by the user); the reconnected event;
//      the codes network.changed and system.wake (a reconnect because the path to the server changed, or after a sleep),
//      the method power.resumed.
// 1.4: the prompt kind proxy_credentials (a proxy's username and password, asked at connect).
//      and `data` on an error (the server's cipher and the profile's list for ncp.*, the provider for
//      data.provider_load_failed, the cipher for data.legacy_provider_unavailable), and those two codes.
//      and hello carries the client's release (clientVersion), so a refusal can name both releases.
// 1.5: the renegotiated event (key id, who started it as a code, how long it took); `story` in a session's
//      status (phases of the way up, reconnects, renegotiations), so a client that subscribes while a
//      tunnel is up can tell its story from the start. Older clients skip the event and strip the field.
export const HELPER_PROTOCOL_VERSION = { major: 1, minor: 5 } as const;

/**
 * The Postern release this code is: package.json's version (version.test.ts keeps the two
 * equal). The helper reports it in hello and `postern --version` prints it.
 */
export const POSTERN_VERSION = '0.1.0';

export interface PeerVersion {
  /** The release, when the peer said it (helpers and clients before protocol 1.4 do not). */
  release: string | undefined;
  protocolMajor: number;
}

/**
 * Why a helper and a client of different protocol majors cannot talk, and which one to
 * update: the older side, to the newer side's release. Both sides build the same words
 * (the helper when it refuses a hello, a client when a helper's answer is of another major).
 */
export function describeVersionMismatch(helper: PeerVersion, client: PeerVersion & { name: string }): string {
  const helperRelease = helper.release === undefined ? 'an unknown release' : `Postern ${helper.release}`;
  const clientRelease = client.release === undefined ? 'an unknown release' : `Postern ${client.release}`;
  const who = clientWords(client.name);
  const facts = `The helper is ${helperRelease} (protocol ${helper.protocolMajor}.x); ${who} is ${clientRelease} (protocol ${client.protocolMajor}.x).`;
  if (helper.protocolMajor < client.protocolMajor) {
    const target = client.release === undefined ? 'the same release' : `Postern ${client.release} or later`;
    return `${facts} Update the helper to ${target} (the postern package), then restart it: sudo systemctl restart postern-helper.`;
  }
  const target = helper.release === undefined ? 'the same release as the helper' : `Postern ${helper.release}`;
  return `${facts} Update ${who} to ${target}.`;
}

/** The name a client gives in hello, as people know it. */
function clientWords(name: string): string {
  if (name === 'postern-cli') return 'this postern command';
  if (name === 'postern-desktop') return 'the Postern app';
  return `the client "${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}"`;
}
