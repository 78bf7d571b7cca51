import type { LogLine } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';

/** Lines kept in the window; older ones are in the helper's own log. */
export const LOG_LIMIT = 1000;

export interface LogSlice {
  log: LogLine[];
  appendLog(line: LogLine): void;
  loadLog(): Promise<void>;
}

export const createLogSlice: SliceCreator<LogSlice> = ({ api }) => (set, get) => ({
  log: [],
  appendLog: (line) => {
    const log = get().log;
    set({ log: log.length >= LOG_LIMIT ? [...log.slice(log.length - LOG_LIMIT + 1), line] : [...log, line] });
  },
  loadLog: async () => {
    try {
      const { lines } = await api.call('log.recent', { limit: LOG_LIMIT });
      set({ log: lines.slice(-LOG_LIMIT) });
    } catch {
      // No helper yet: the helper banner says so, and the log stays as it was.
    }
  },
});
