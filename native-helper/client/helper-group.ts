import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** The group whose members may use the helper (root always may). */
export interface HelperGroup {
  name: string;
  gid: number;
}

export const DEFAULT_HELPER_GROUP = 'postern';

/**
 * Looks the group up as the C library would (`getent group`, so NSS sources such as
 * LDAP or sssd count), falling back to /etc/group where getent is missing.
 * Undefined when no such group exists: the helper then serves root only.
 */
export async function findHelperGroup(name: string): Promise<HelperGroup | undefined> {
  const entry = await groupEntry(name);
  return entry === undefined ? undefined : { name: entry.name, gid: entry.gid };
}

/** The name of a gid, for the client's refusal message; undefined when unknown. */
export async function groupName(gid: number): Promise<string | undefined> {
  return (await groupEntry(String(gid)))?.name;
}

/** The users listed as members of the group (not those whose primary group it is). */
export async function groupMembers(name: string): Promise<string[]> {
  return (await groupEntry(name))?.members ?? [];
}

interface GroupEntry extends HelperGroup {
  members: string[];
}

/** `name:x:gid:a,b` → the entry; undefined for anything else. */
export function parseGroupLine(line: string): GroupEntry | undefined {
  const [name, , gid, members = ''] = line.trim().split(':');
  if (!name || gid === undefined || !/^\d+$/.test(gid)) return undefined;
  return { name, gid: Number(gid), members: members.split(',').filter((member) => member !== '') };
}

/** By name, or by gid when `key` is all digits (as getent does). */
async function groupEntry(key: string): Promise<GroupEntry | undefined> {
  const line = await getent(key) ?? await fromEtcGroup(key);
  return line === undefined ? undefined : parseGroupLine(line);
}

function getent(key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('getent', ['group', key], { timeout: 5000 }, (error, stdout) => resolve(error ? undefined : stdout.split('\n')[0]));
  });
}

async function fromEtcGroup(key: string): Promise<string | undefined> {
  const byGid = /^\d+$/.test(key);
  const text = await readFile('/etc/group', 'utf8').catch(() => '');
  return text.split('\n').find((line) => line.split(':')[byGid ? 2 : 0] === key);
}
