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
export const HELPER_PROTOCOL_VERSION = { major: 1, minor: 4 } as const;
