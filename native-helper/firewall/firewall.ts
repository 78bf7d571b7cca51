import * as z from 'zod';
import { COUNTERS, type CounterName } from './exception-rules';
import { firewallError, FirewallInputError, type FirewallResult } from './firewall-error';
import { decidePolicy, needsTable, type FirewallPolicy } from './firewall-policy';
import type { FirewallInput } from './firewall-types';
import { nftRunner, type NftRunner } from './nft-runner';
import { planFirewall, removalScript, TABLE_FAMILY, TABLE_NAME } from './plan-firewall';

export interface PacketCount {
  packets: number;
  bytes: number;
}
export type FirewallCounters = Record<CounterName, PacketCount>;

/** `nft -j` output: a list of one-key objects (metainfo, table, chain, rule, set, counter, …). */
export interface NftJson {
  nftables: Array<Record<string, unknown>>;
}

const nftJsonSchema = z.object({ nftables: z.array(z.record(z.string(), z.unknown())) });
const counterSchema = z.object({ name: z.string(), packets: z.number(), bytes: z.number() });

const NO_SUCH_TABLE = /No such file or directory/;

export interface FirewallOptions {
  runNft?: NftRunner;
}

/**
 * Our table in the kernel: apply a plan, remove it, read it back. Stateless: everything it
 * knows is read from the kernel, so a restarted helper picks up where a killed one left.
 */
export class Firewall {
  private readonly runNft: NftRunner;

  constructor(options: FirewallOptions = {}) {
    this.runNft = options.runNft ?? nftRunner();
  }

  /**
   * Plans and loads the table for `input` in one transaction, then reads it back. The old
   * table stays in place if the load fails. Returns what the table now does.
   */
  async apply(input: FirewallInput): Promise<FirewallResult<FirewallPolicy>> {
    let script: string;
    try {
      script = planFirewall(input);
    } catch (error) {
      if (error instanceof FirewallInputError) return { ok: false, error: firewallError(error.code, error.message) };
      throw error;
    }
    const loaded = await this.load(script);
    if (!loaded.ok) return loaded;
    const policy = decidePolicy(input);
    const present = await this.current();
    if (!present.ok) return present;
    if ((present.value !== undefined) !== needsTable(policy)) {
      return { ok: false, error: firewallError('firewall.verify_failed', `table inet ${TABLE_NAME} is ${present.value ? 'present' : 'absent'} after loading`) };
    }
    return { ok: true, value: policy };
  }

  /** Deletes our table and nothing else; a no-op when it is absent. */
  async remove(): Promise<FirewallResult<void>> {
    return this.load(removalScript());
  }

  /** Our table as `nft -j list table inet postern` prints it; undefined when absent. */
  async current(): Promise<FirewallResult<NftJson | undefined>> {
    const result = await this.runNft(['-j', 'list', 'table', TABLE_FAMILY, TABLE_NAME]);
    if (!result.ok) {
      if (NO_SUCH_TABLE.test(result.stderr)) return { ok: true, value: undefined };
      return { ok: false, error: firewallError('firewall.nft_failed', 'nft could not list our table', result.stderr) };
    }
    const parsed = nftJsonSchema.safeParse(safeJson(result.stdout));
    if (!parsed.success) return { ok: false, error: firewallError('firewall.nft_failed', 'nft printed JSON we cannot read') };
    return { ok: true, value: parsed.data };
  }

  /** Packets and bytes per named counter; all zero when the table is absent. */
  async counters(): Promise<FirewallResult<FirewallCounters>> {
    const table = await this.current();
    if (!table.ok) return table;
    return { ok: true, value: readCounters(table.value) };
  }

  private async load(script: string): Promise<FirewallResult<void>> {
    const result = await this.runNft(['-f', '-'], script);
    if (!result.ok) return { ok: false, error: firewallError('firewall.nft_failed', 'nft refused the ruleset', result.stderr) };
    return { ok: true, value: undefined };
  }
}

/** The named counters of a listing of our table (nft -j list table / list counters). */
export function readCounters(table: NftJson | undefined): FirewallCounters {
  const counters = Object.fromEntries(COUNTERS.map((name) => [name, { packets: 0, bytes: 0 }])) as FirewallCounters;
  for (const item of table?.nftables ?? []) {
    const counter = counterSchema.safeParse(item['counter']);
    if (counter.success && (COUNTERS as readonly string[]).includes(counter.data.name)) {
      counters[counter.data.name as CounterName] = { packets: counter.data.packets, bytes: counter.data.bytes };
    }
  }
  return counters;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
