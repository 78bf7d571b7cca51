import { run, runOk } from './run';

const TABLE = 'postern_loss';

export interface LossRule {
  percent: number;
  /** The server's port: only OpenVPN traffic is dropped (not, say, a ping on the link). */
  port: number;
  /** Server-namespace interfaces to drop on; empty: every interface. */
  interfaces: readonly string[];
}

/**
 * Drops `percent`% of the lab's OpenVPN packets in both directions, inside the server
 * namespace, with nftables `numgen random` (tc netem is not available here). Each packet
 * is dropped independently, once on the way in or once on the way out.
 */
export async function setLoss(namespace: string, rule: LossRule): Promise<void> {
  if (!Number.isInteger(rule.percent) || rule.percent < 0 || rule.percent > 100) throw new RangeError(`loss percent ${rule.percent}`);
  await clearLoss(namespace);
  if (rule.percent === 0) return;
  const names = rule.interfaces.map((name) => `"${name}"`).join(', ');
  const match = (direction: 'iifname' | 'oifname'): string => (names ? `${direction} { ${names} } ` : '');
  // numgen's value is 0–99, and nft refuses a comparison with 100: total loss drops every packet plainly.
  const drop = rule.percent === 100 ? 'drop' : `numgen random mod 100 < ${rule.percent} drop`;
  const rules = [
    `table inet ${TABLE} {`,
    '  chain input { type filter hook input priority 0; policy accept;',
    `    ${match('iifname')}meta l4proto { udp, tcp } th dport ${rule.port} ${drop}`,
    '  }',
    '  chain output { type filter hook output priority 0; policy accept;',
    `    ${match('oifname')}meta l4proto { udp, tcp } th sport ${rule.port} ${drop}`,
    '  }',
    '}',
  ].join('\n');
  await runOk('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], { input: rules });
}

/** Removes the loss table; a no-op when there is none. */
export async function clearLoss(namespace: string): Promise<void> {
  await run('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', TABLE]);
}
