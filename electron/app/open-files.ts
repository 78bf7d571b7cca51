import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The profile files on a command line (a first start, or a second one Electron hands to the
 * first): every argument naming a .ovpn or .conf file, as an absolute path (relative ones against
 * the directory that start was made in; file:// URLs as a file manager may pass them). Switches
 * (Chromium's or ours) and anything else are not files to open.
 */
export function profilePathsIn(argv: readonly string[], workingDirectory: string): string[] {
  const paths: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    let path = arg;
    if (/^file:\/\//i.test(arg)) {
      try {
        path = fileURLToPath(arg);
      } catch {
        continue;
      }
    }
    if (!/\.(ovpn|conf)$/i.test(path)) continue;
    paths.push(isAbsolute(path) ? path : resolve(workingDirectory, path));
  }
  return paths;
}
