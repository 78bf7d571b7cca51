import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BUILD_COMMAND, serverBuild, type ServerVersion } from './server-builds';

/** Programs the lab runs, found on PATH the way spawn() finds them. */
export const LAB_TOOLS = ['openvpn', 'ip', 'nft', 'openssl'] as const;

/** What the check looks at; every part can be replaced in tests. */
export interface LabProbe {
  env: NodeJS.ProcessEnv;
  isRoot(): boolean;
  hasTool(name: string): boolean;
  hasTunDevice(): boolean;
  /** An absolute path that exists and may be run. */
  isExecutable(path: string): boolean;
}

const systemProbe: LabProbe = {
  env: process.env,
  isRoot: () => process.getuid?.() === 0,
  hasTool: (name) => (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).some((dir) => isExecutable(join(dir, name))),
  hasTunDevice: () => existsSync('/dev/net/tun'),
  isExecutable: (path) => isExecutable(path),
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why lab tests cannot run here, as one line, or undefined when they can. Under CI (`CI`
 * set, and not 'false'/'0') a missing prerequisite throws instead of skipping: a green CI
 * must mean the lab ran. `POSTERN_SKIP_LAB=1` is the one explicit way to skip, CI or not.
 */
export function labSkipReason(probe: Partial<LabProbe> = {}): string | undefined {
  const { env, isRoot, hasTool, hasTunDevice } = { ...systemProbe, ...probe };
  if (env['POSTERN_SKIP_LAB']) return 'POSTERN_SKIP_LAB is set';
  const reason = missingPrerequisite(isRoot, hasTool, hasTunDevice);
  if (reason && isCi(env)) throw new Error(`CI must run the lab tests, but: ${reason}`);
  return reason;
}

/**
 * `labSkipReason()`, and then whether the server `version` is installed: the lab builds of
 * 2.4, 2.5 and 2.7 come from scripts/lab-openvpn-builds.sh, which CI runs. Missing under CI
 * throws, except for an optional build (2.4: its archive may not answer), which skips.
 */
export function serverVersionSkipReason(version: ServerVersion, probe: Partial<LabProbe> = {}): string | undefined {
  const lab = labSkipReason(probe);
  if (lab) return lab;
  const { env, isExecutable: canRun } = { ...systemProbe, ...probe };
  const build = serverBuild(version, env);
  if (!build.exact || canRun(build.binary)) return undefined;
  const reason = `the lab's openvpn ${build.exact} server is not at ${build.binary} (build it: ${BUILD_COMMAND}`
    + `${build.optional ? '; it says why when it cannot fetch it' : ''})`;
  if (isCi(env) && !build.optional) throw new Error(`CI must run the lab tests, but: ${reason}`);
  return reason;
}

function missingPrerequisite(isRoot: () => boolean, hasTool: (name: string) => boolean, hasTunDevice: () => boolean): string | undefined {
  if (!isRoot()) return 'lab tests need root (network namespaces, TUN, nftables)';
  const missing = LAB_TOOLS.filter((tool) => !hasTool(tool));
  if (missing.length > 0) return `lab tests need ${missing.join(', ')} on PATH (apt-get install openvpn iproute2 nftables openssl)`;
  if (!hasTunDevice()) return 'lab tests need /dev/net/tun';
  return undefined;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * The lab's reason, or why `program` (from the Debian package `pkg`) is missing: for lab tests
 * that need one more tool, such as the SOCKS5 tests' danted. Under CI missing it fails too.
 */
export function labToolSkipReason(program: string, pkg: string, probe: Partial<LabProbe> = {}): string | undefined {
  const reason = labSkipReason(probe);
  if (reason !== undefined) return reason;
  const { env, hasTool } = { ...systemProbe, ...probe };
  if (hasTool(program)) return undefined;
  const missing = `this test needs ${program} on PATH (apt-get install ${pkg})`;
  if (isCi(env)) throw new Error(`CI must run the lab tests, but: ${missing}`);
  return missing;
}
