/**
 * A one-way in-memory link for tests: packets sent at `nowMs` arrive after a delay, may be
 * lost or duplicated, and overtake each other when delays differ. Deterministic for a
 * given `random` (use seededRandom). Pair two for a bidirectional path.
 */
export interface LossyLinkOptions<T> {
  random: () => number;
  /** Probability that a packet is lost (0–1). */
  lossRate?: number;
  /** Probability that a delivered packet arrives twice. */
  duplicateRate?: number;
  /** Delay range; a range wider than the send interval reorders packets. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Scripted loss: the n-th sent packet (0-based) is dropped if this says so. */
  drop?: (packet: T, sendIndex: number) => boolean;
  /** Scripted delay for the n-th sent packet; undefined falls back to the random delay. */
  delay?: (packet: T, sendIndex: number) => number | undefined;
}

interface InTransit<T> {
  packet: T;
  arriveAtMs: number;
  order: number;
}

export class LossyLink<T> {
  readonly #options: LossyLinkOptions<T>;
  #inTransit: Array<InTransit<T>> = [];
  #order = 0;
  sent = 0;
  lost = 0;
  duplicated = 0;
  delivered = 0;

  constructor(options: LossyLinkOptions<T>) {
    this.#options = options;
  }

  send(packet: T, nowMs: number): void {
    const index = this.sent++;
    const { random, lossRate = 0, duplicateRate = 0, drop } = this.#options;
    if (drop?.(packet, index) || random() < lossRate) {
      this.lost++;
      return;
    }
    const scriptedDelayMs = this.#options.delay?.(packet, index);
    this.#enqueue(packet, nowMs, scriptedDelayMs);
    if (random() < duplicateRate) {
      this.duplicated++;
      this.#enqueue(packet, nowMs, scriptedDelayMs);
    }
  }

  /** Packets that have arrived by `nowMs`, in arrival order. */
  receive(nowMs: number): T[] {
    const arrived = this.#inTransit.filter((p) => p.arriveAtMs <= nowMs)
      .sort((a, b) => a.arriveAtMs - b.arriveAtMs || a.order - b.order);
    if (arrived.length === 0) return [];
    this.#inTransit = this.#inTransit.filter((p) => p.arriveAtMs > nowMs);
    this.delivered += arrived.length;
    return arrived.map((p) => p.packet);
  }

  /** When the next packet arrives; undefined if the link is empty. */
  nextArrivalMs(): number | undefined {
    let next: number | undefined;
    for (const p of this.#inTransit) if (next === undefined || p.arriveAtMs < next) next = p.arriveAtMs;
    return next;
  }

  get inTransitCount(): number {
    return this.#inTransit.length;
  }

  #enqueue(packet: T, nowMs: number, scriptedDelayMs: number | undefined): void {
    const { random, minDelayMs = 0, maxDelayMs = minDelayMs } = this.#options;
    const delayMs = scriptedDelayMs ?? minDelayMs + Math.floor(random() * (maxDelayMs - minDelayMs + 1));
    this.#inTransit.push({ packet, arriveAtMs: nowMs + delayMs, order: this.#order++ });
  }
}
