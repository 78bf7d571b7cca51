import type { ConnectionTimeline, PastConnection } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';

/** Where a saved diagnostics archive went (or why not), for the window to say. */
export type DiagnosticsSaveState = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; path: string } | { state: 'cancelled' };

/** The story of the connections as main tells it: the current timeline, the last connections, and "Save diagnostics…". */
export interface StorySlice {
  timeline: ConnectionTimeline | null;
  history: PastConnection[];
  diagnostics: DiagnosticsSaveState;
  applyStory(timeline: ConnectionTimeline | null, history: PastConnection[]): void;
  saveDiagnostics(): Promise<boolean>;
}

export const createStorySlice: SliceCreator<StorySlice> = ({ api }) => (set, get) => ({
  timeline: null,
  history: [],
  diagnostics: { state: 'idle' },
  applyStory: (timeline, history) => set({ timeline, history }),
  saveDiagnostics: async () => {
    set({ diagnostics: { state: 'saving' } });
    try {
      const result = await api.call('diagnostics.save', {});
      set({ diagnostics: result.saved ? { state: 'saved', path: result.path } : { state: 'cancelled' } });
      if (result.saved) get().announce(`Diagnostics saved to ${result.path}`);
      return result.saved;
    } catch (error) {
      set({ diagnostics: { state: 'idle' } });
      get().fail(error);
      return false;
    }
  },
});
