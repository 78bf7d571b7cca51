import { execFileSync } from 'node:child_process';

const TOOLS = ['openvpn', 'ip', 'nft', 'openssl'];

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why lab tests cannot run here, as one line — or undefined when they can. Under CI
 * (CI set) a missing prerequisite throws instead: a green CI must mean the lab ran.
 */
export function labSkipReason(env: NodeJS.ProcessEnv = process.env, isRoot = process.getuid?.() === 0, toolExists = hasTool): string | undefined {
  let reason: string | undefined;
  if (env['POSTERN_SKIP_LAB']) reason = 'POSTERN_SKIP_LAB is set';
  else if (!isRoot) reason = 'lab tests need root (network namespaces, TUN)';
  else {
    const missing = TOOLS.filter((tool) => !toolExists(tool));
    if (missing.length > 0) reason = `lab tests need ${missing.join(', ')} (apt-get install openvpn iproute2 nftables openssl)`;
  }
  if (reason && env['CI'] && !env['POSTERN_SKIP_LAB']) throw new Error(`CI must run the lab tests, but: ${reason}`);
  return reason;
}
