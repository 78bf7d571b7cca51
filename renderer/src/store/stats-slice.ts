import type { Statistics } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';
import { addSample } from './stats-ring';
import type { StatsSample } from './stats-ring';

/** The traffic graph's data: the last five minutes of rates, and the session's totals. */
export interface StatsSlice {
  samples: StatsSample[];
  /** The latest figures (totals, keepalive round trip), every second while connected. */
  stats: Statistics | null;
  /** Which session the samples belong to: a new session starts an empty graph. */
  statsSessionId: string | null;
  applyStats(sessionId: string, stats: Statistics): void;
  resetStats(sessionId: string | null): void;
}

export const createStatsSlice: SliceCreator<StatsSlice> = ({ nowMs }) => (set, get) => ({
  samples: [],
  stats: null,
  statsSessionId: null,
  applyStats: (sessionId, stats) => {
    const samples = get().statsSessionId === sessionId ? get().samples : [];
    set({ samples: addSample(samples, stats, nowMs()), stats, statsSessionId: sessionId });
  },
  resetStats: (sessionId) => {
    if (get().statsSessionId !== sessionId) set({ samples: [], stats: null, statsSessionId: sessionId });
  },
});
