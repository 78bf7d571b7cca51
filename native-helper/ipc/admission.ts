import type { WireError } from '../api/index';
import type { HelperGroup } from '../client/helper-group';
import type { Caller } from '../service/tunnel-backend';

export const ROOT_UID = 0;

export interface AdmissionLimits {
  /** Connections of all non-root users together. */
  maxClients: number;
  /** Connections of one non-root uid: well below maxClients, so one user cannot take every slot. */
  maxClientsPerUid: number;
  /** Slots beyond maxClients that only root may use: root's `postern status` always gets in. */
  rootReserve: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { maxClients: 128, maxClientsPerUid: 16, rootReserve: 16 };

/**
 * May this caller use the helper at all? Root always; anyone else only as a member of the
 * helper's group (primary or supplementary, as the kernel recorded at connect()). With no
 * group (it did not exist when the helper started) the helper serves root only. The
 * socket file's mode (root:GROUP 0660) already keeps outsiders out; this is the same rule
 * for a descriptor that reached someone else some other way.
 */
export function mayUseHelper(caller: Caller, group: HelperGroup | null): boolean {
  if (caller.uid === ROOT_UID) return true;
  if (group === null) return false;
  return caller.gid === group.gid || caller.groups.includes(group.gid);
}

/** Undefined when the newcomer may have a slot; else why not. */
export function admissionRefusal(caller: Caller, connected: Iterable<Caller>, group: HelperGroup | null, limits: AdmissionLimits): WireError | undefined {
  if (!mayUseHelper(caller, group)) {
    const message = group === null
      ? 'This helper serves root only: its group did not exist when it started.'
      : `Only root and members of the group '${group.name}' may use the Postern helper.`;
    return { code: 'ipc.not_in_group', message };
  }
  let others = 0;
  let mine = 0;
  let all = 0;
  for (const peer of connected) {
    all++;
    if (peer.uid === ROOT_UID) continue;
    others++;
    if (peer.uid === caller.uid) mine++;
  }
  if (caller.uid === ROOT_UID) {
    return all >= limits.maxClients + limits.rootReserve ? tooMany(`The helper serves at most ${limits.maxClients + limits.rootReserve} clients.`) : undefined;
  }
  if (mine >= limits.maxClientsPerUid) return tooMany(`The helper serves at most ${limits.maxClientsPerUid} clients of one user; close some first.`);
  if (others >= limits.maxClients) return tooMany(`The helper serves at most ${limits.maxClients} clients.`);
  return undefined;
}

function tooMany(message: string): WireError {
  return { code: 'ipc.too_many_clients', message };
}
