import { runOk, run } from './run';

const TABLE = 'postern_loss';

/**
 * Drops `percent`% of the lab's OpenVPN packets in both directions, inside the server
 * namespace, with nftables `numgen random` (tc netem is not available here).
 */
export async function setLoss(namespace: string, percent: number, port: number): Promise<void> {
  await clearLoss(namespace);
  const rules = [
    `table inet ${TABLE} {`,
    '  chain input { type filter hook input priority 0; policy accept;',
    `    meta l4proto { udp, tcp } th dport ${port} numgen random mod 100 < ${percent} drop`,
    '  }',
    '  chain output { type filter hook output priority 0; policy accept;',
    `    meta l4proto { udp, tcp } th sport ${port} numgen random mod 100 < ${percent} drop`,
    '  }',
    '}',
  ].join('\n');
  await runOk('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], { input: rules });
}

export async function clearLoss(namespace: string): Promise<void> {
  await run('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', TABLE]);
}
