import { randomInt } from 'node:crypto';

/** Prefix of everything the lab creates, so stale leftovers can be found and removed. */
export const LAB_PREFIX = 'pst';

/** Width of the base-36 pid in an id: 5 digits cover pid_max up to 36^5 (60 M; Linux caps at 4 M). */
const PID_DIGITS = 5;
const RANDOM_DIGITS = 3;

/**
 * A lab id: `pst` + owner pid (base 36, 5 digits) + 3 random digits = 11 characters, so
 * `<id>` plus a one-letter role suffix stays within the kernel's 15-character interface
 * names. The pid is in the name so `sweepStaleLabs` can tell a dead owner from a live one.
 */
export function newLabId(pid = process.pid): string {
  for (;;) {
    const random = randomInt(36 ** RANDOM_DIGITS).toString(36).padStart(RANDOM_DIGITS, '0');
    const id = `${labOwnerPrefix(pid)}${random}`;
    // Never reuse an id within a process: cleaning up a failed set-up would delete the other lab.
    if (issued.has(id)) continue;
    issued.add(id);
    return id;
  }
}

const issued = new Set<string>();

/** The start every lab id of a process shares. */
export function labOwnerPrefix(pid = process.pid): string {
  return `${LAB_PREFIX}${pid.toString(36).padStart(PID_DIGITS, '0')}`;
}

const ID_PATTERN = new RegExp(`^(${LAB_PREFIX}([0-9a-z]{${PID_DIGITS}})[0-9a-z]{${RANDOM_DIGITS}})`);

/** The lab id and owner pid inside one of our names (namespace or interface), if it is ours. */
export function parseLabName(name: string, suffix: RegExp): { id: string; ownerPid: number } | undefined {
  const match = ID_PATTERN.exec(name);
  if (!match || !suffix.test(name.slice(match[0].length))) return undefined;
  return { id: match[1] as string, ownerPid: Number.parseInt(match[2] as string, 36) };
}

/** Interface and namespace names of one lab. */
export function labNames(id: string): {
  serverNs: string; clientNs: string;
  linkServer: string; linkClient: string; hostSide: string; hostServer: string; serverTun: string; serverBridge: string;
} {
  return {
    serverNs: `${id}-s`, clientNs: `${id}-c`,
    linkServer: `${id}s`, linkClient: `${id}c`, // client ns ↔ server ns
    hostSide: `${id}h`, hostServer: `${id}r`, //    root ns ↔ server ns
    serverTun: `${id}t`,
    serverBridge: `${id}b`, // server ns only: the bridge of a tap-bridge lab
  };
}
