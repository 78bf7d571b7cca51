import type { LogLine } from '../api/index';

/** The helper's recent log lines, bounded: a long-lived helper must not grow without end. */
export class LogRing {
  readonly #lines: LogLine[] = [];

  constructor(private readonly capacity = 2000) {}

  add(line: LogLine): void {
    this.#lines.push(line);
    if (this.#lines.length > this.capacity) this.#lines.splice(0, this.#lines.length - this.capacity);
  }

  recent(limit: number): LogLine[] {
    return this.#lines.slice(-limit);
  }
}
