// Test-only child for netconfig.lab.test.ts: applies the lab plan in the namespace given
// on argv, says "applied" on stdout, then waits to be killed (SIGKILL: no cleanup runs).
import { execFileRunner } from './command-runner';
import { LinuxNetwork } from './linux-network';
import { LAB_SERVER, LAB_TUN, LAB_TUN_MTU_BYTES, labTunnelConfig } from './netconfig-lab-fixture';

const [namespace, journalDir, resolvConfPath] = process.argv.slice(2);
if (!namespace || !journalDir || !resolvConfPath) {
  process.stderr.write('usage: netconfig-crash-child NAMESPACE JOURNAL_DIR RESOLV_CONF\n');
  process.exit(2);
}
const network = new LinuxNetwork({
  journalDir, resolvConfPath, dns: 'resolv-conf',
  runners: { runIp: execFileRunner('ip', ['-n', namespace]), runResolvectl: execFileRunner('false') },
});
const result = await network.apply({
  tunName: LAB_TUN, mtuBytes: 1400, originalMtuBytes: LAB_TUN_MTU_BYTES, config: labTunnelConfig(), serverAddress: LAB_SERVER, serverFamily: 4,
});
process.stdout.write(result.ok ? 'applied\n' : `failed ${JSON.stringify(result.error)}\n`);
// Stay alive until killed; the timer is a bound so a lost child cannot linger forever.
setTimeout(() => process.exit(3), 60_000);
