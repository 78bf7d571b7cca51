import type { LogLine } from '../api/index';

interface Entry {
  sessionId: string | undefined;
  line: LogLine;
}

/**
 * Recent log lines with the session they belong to, as the server saw them go by, so
 * `log.recent` can give a user the lines of their own sessions only (the backend's
 * own ring has no session ids). Bounded like the backend's.
 */
export class SessionLog {
  readonly #entries: Entry[] = [];

  constructor(private readonly capacity = 2000) {}

  add(sessionId: string | undefined, line: LogLine): void {
    this.#entries.push({ sessionId, line });
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  recent(limit: number, visible: (sessionId: string | undefined) => boolean): LogLine[] {
    const lines: LogLine[] = [];
    for (let i = this.#entries.length - 1; i >= 0 && lines.length < limit; i--) {
      const entry = this.#entries[i];
      if (entry !== undefined && visible(entry.sessionId)) lines.push(entry.line);
    }
    return lines.reverse();
  }
}
