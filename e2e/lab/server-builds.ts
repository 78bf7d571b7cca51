import { join } from 'node:path';

/** The server generations the lab can run: 2.6 is apt's `openvpn`, the others are lab builds. */
export const SERVER_VERSIONS = ['2.4', '2.5', '2.6', '2.7'] as const;
export type ServerVersion = typeof SERVER_VERSIONS[number];

/** The exact upstream version of each lab build; scripts/lab-openvpn-builds.sh installs the same. */
const LAB_BUILDS: Record<Exclude<ServerVersion, '2.6'>, string> = { '2.4': '2.4.7', '2.5': '2.5.1', '2.7': '2.7.8' };

/**
 * Builds the script may fail to fetch without failing (2.4 comes from Ubuntu's archive, which
 * not every machine reaches): their tests skip when the build is missing, under CI too.
 */
const OPTIONAL_BUILDS: ReadonlySet<ServerVersion> = new Set(['2.4']);

export const BUILD_COMMAND = 'sudo scripts/lab-openvpn-builds.sh';

export interface ServerBuild {
  version: ServerVersion;
  /** What `spawn` runs: a bare name looked up on the PATH, or an absolute path. */
  binary: string;
  /** The exact version, when it is a lab build (2.6 is whatever apt installed). */
  exact?: string;
  /** The build may be missing on a machine that could not fetch it: its tests skip, even under CI. */
  optional: boolean;
}

/** Where a version's binary is. `root` is the script's POSTERN_LAB_OPENVPN_ROOT. */
export function serverBuild(version: ServerVersion, env: NodeJS.ProcessEnv = process.env): ServerBuild {
  if (version === '2.6') return { version, binary: 'openvpn', optional: false };
  const exact = LAB_BUILDS[version];
  const root = env['POSTERN_LAB_OPENVPN_ROOT'] || '/var/cache/postern-lab';
  return { version, exact, binary: join(root, `openvpn-${exact}`, 'sbin', 'openvpn'), optional: OPTIONAL_BUILDS.has(version) };
}
