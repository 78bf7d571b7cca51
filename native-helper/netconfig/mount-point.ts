import { readFile } from 'node:fs/promises';

/**
 * True when `path` is a mount point in this process's mount namespace (field 5 of
 * /proc/self/mountinfo, with its octal escapes), as /etc/resolv.conf is under
 * `ip netns exec`. Knowing it first keeps the atomic write from leaving a temp file
 * behind in /etc for a rename that could only fail with EBUSY. False when /proc says nothing.
 */
export async function isMountPoint(path: string, mountinfoPath = '/proc/self/mountinfo'): Promise<boolean> {
  const text = await readFile(mountinfoPath, 'utf8').catch(() => '');
  return text.split('\n').some((line) => unescapeMountPath(line.split(' ')[4] ?? '') === path);
}

/** `\040` → space, `\011` → tab, `\012` → newline, `\134` → backslash (fs/proc_namespace.c mangle). */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
