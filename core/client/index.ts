// client/: from a profile file to a running connection: read it from disk (import-profile), profile → options,
// the remote list, one attempt after another (next-attempt.ts decides what follows each).
// May import every core layer (transport/ included); nothing in core but core/index.ts imports it.
export { VpnClient } from './vpn-client';
export type { VpnClientOptions, VpnClientEvents, ConnectedInfo, ClientPhaseChange, DataOffloadView } from './vpn-client';
export { clientOptionsFromProfile } from './client-options';
export type { ClientInputs, ClientOptionsError } from './client-options';
export { importProfile } from './import-profile';
export type { ImportedProfile, ImportError } from './import-profile';
