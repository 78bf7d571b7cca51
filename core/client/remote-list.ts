import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RemoteEndpoint } from '../transport/index';

export interface ResolvedRemote {
  endpoint: RemoteEndpoint;
  address: string;
  family: 4 | 6;
}

/**
 * The remotes of a profile in the order they are tried (shuffled once for remote-random),
 * each host name resolved at connect time into its addresses (protocol.md §14:
 * connect-retry; AUTH_FAILED,TEMP and RESTART say whether to advance the address or the remote).
 */
export class RemoteList {
  readonly #remotes: RemoteEndpoint[];
  #remoteIndex = 0;
  #addresses: ResolvedRemote[] = [];
  #addressIndex = 0;

  constructor(remotes: readonly RemoteEndpoint[], random: boolean, private readonly resolve: typeof resolveEndpoint = resolveEndpoint) {
    this.#remotes = random ? shuffle([...remotes]) : [...remotes];
  }

  get size(): number {
    return this.#remotes.length;
  }

  get current(): RemoteEndpoint | undefined {
    return this.#remotes[this.#remoteIndex];
  }

  /** The address to try now, resolving the current remote when needed. */
  async next(): Promise<ResolvedRemote> {
    if (this.#addressIndex >= this.#addresses.length) {
      const endpoint = this.#remotes[this.#remoteIndex];
      if (!endpoint) throw new Error('no remote in the profile');
      this.#addresses = await this.resolve(endpoint);
      this.#addressIndex = 0;
    }
    return this.#addresses[this.#addressIndex] as ResolvedRemote;
  }

  /** Move on after a failure: the next address of this remote, or the next remote. */
  advance(how: 'addr' | 'remote' | 'no' = 'addr'): void {
    if (how === 'no') return;
    if (how === 'addr' && this.#addressIndex + 1 < this.#addresses.length) {
      this.#addressIndex++;
      return;
    }
    this.#remoteIndex = (this.#remoteIndex + 1) % this.#remotes.length;
    this.#addresses = [];
    this.#addressIndex = 0;
  }
}

export async function resolveEndpoint(endpoint: RemoteEndpoint): Promise<ResolvedRemote[]> {
  const literal = isIP(endpoint.host);
  if (literal === 4 || literal === 6) return [{ endpoint, address: endpoint.host, family: literal }];
  const found = await lookup(endpoint.host, { all: true, family: endpoint.family ?? 0 });
  if (found.length === 0) throw Object.assign(new Error(`${endpoint.host} has no address`), { code: 'ENOTFOUND' });
  return found.map((entry) => ({ endpoint, address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
