import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test-only: the accounts of a shared machine, for tests that run the CLI and the app as
 * the people who use them (only the helper runs as root). Made once per machine and kept
 * (useradd is slow, and tests in parallel would race on /etc/passwd): system accounts with
 * no home and no login shell, never a password.
 *
 *   LAB_GROUP    the helper's group in lab tests (`postern helper --group postern-lab`)
 *   member       alice-like: in the group
 *   neighbour    a second member, to show one member cannot reach another's tunnel
 *   outsider     not in the group
 */
export const LAB_GROUP = 'postern-lab';

export interface LabUser {
  name: string;
  uid: number;
  gid: number;
}

export interface LabUsers {
  member: LabUser;
  neighbour: LabUser;
  outsider: LabUser;
}

const NAMES = { member: 'postern-lab-member', neighbour: 'postern-lab-neighbour', outsider: 'postern-lab-outsider' } as const;

let made: LabUsers | undefined;

export function labUsers(): LabUsers {
  made ??= makeLabUsers();
  return made;
}

function makeLabUsers(): LabUsers {
  withRetries(() => { execFileSync('groupadd', ['-f', '--system', LAB_GROUP], { stdio: 'pipe' }); });
  const user = (name: string, member: boolean): LabUser => {
    if (!exists(name)) {
      withRetries(() => {
        if (exists(name)) return;
        execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', ...(member ? ['--groups', LAB_GROUP] : []), name], { stdio: 'pipe' });
      });
    }
    if (member && !execFileSync('id', ['-nG', name], { encoding: 'utf8' }).split(/\s+/).includes(LAB_GROUP)) {
      withRetries(() => { execFileSync('usermod', ['-aG', LAB_GROUP, name], { stdio: 'pipe' }); });
    }
    return { name, uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' })) };
  };
  return { member: user(NAMES.member, true), neighbour: user(NAMES.neighbour, true), outsider: user(NAMES.outsider, false) };
}

/**
 * How to run a program as `user`, with the groups the account has (as a login would give
 * it). setpriv execs the program itself, so its pid and signals are the program's own
 * (runuser would stay in between as its parent).
 */
export function asUser(user: LabUser, argv: readonly string[], env: Readonly<Record<string, string>> = {}): string[] {
  // --reset-env: the user's own HOME, USER and PATH, nothing of root's but what the test passes.
  const passed = Object.entries({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }).map(([name, value]) => `${name}=${value}`);
  return ['setpriv', '--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--reset-env', '--', 'env', ...passed, ...argv];
}

/** Fails with the fix when the user cannot read the checkout (a clone under a 0700 folder). */
export function assertCheckoutReadable(user: LabUser, repo: string): void {
  const [program = 'setpriv', ...args] = asUser(user, ['test', '-r', join(repo, 'bin', 'postern.mjs')]);
  try {
    execFileSync(program, args, { stdio: 'pipe' });
  } catch {
    throw new Error(`${user.name} cannot read ${repo}: lab tests run the CLI and the app as that user, so every folder above the checkout needs o+x (chmod o+x …)`);
  }
}

/** A folder of the user's own in /tmp, for their profiles and the app's data. */
export function userFolder(user: LabUser, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chownSync(dir, user.uid, user.gid);
  return dir;
}

function exists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** useradd and friends refuse while another holds /etc/passwd's lock: try again briefly. */
export function withRetries(action: () => void): void {
  for (let attempt = 1; ; attempt++) {
    try {
      action();
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      execFileSync('sleep', ['0.2']);
    }
  }
}
