// Test-only child for firewall.lab.test.ts: applies the input given on argv in the given
// namespace, says "applied" on stdout, then waits to be killed (SIGKILL: no cleanup runs).
import { Firewall } from './firewall';
import type { FirewallInput } from './firewall-types';
import { nftRunner } from './nft-runner';

const [namespace, inputJson] = process.argv.slice(2);
if (!namespace || !inputJson) {
  process.stderr.write('usage: firewall-lab-child NAMESPACE INPUT_JSON\n');
  process.exit(2);
}
const result = await new Firewall({ runNft: nftRunner({ namespace }) }).apply(JSON.parse(inputJson) as FirewallInput);
process.stdout.write(result.ok ? 'applied\n' : `failed ${JSON.stringify(result.error)}\n`);
// Stay alive until killed; the timer is a bound so a lost child cannot linger forever.
setTimeout(() => process.exit(3), 30_000);
