import type { AppSnapshot, HelperLinkState, RememberUnavailableReason } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';

/** Whether main reaches the privileged helper (and how to start it when not). */
export interface HelperSlice {
  /** null until the first snapshot. */
  helper: HelperLinkState | null;
  /** Saving a password needs a real OS keyring; without one "remember" is hidden. */
  rememberAvailable: boolean;
  /** Why it is hidden, as main says; null while it is offered (or main gave no reason). */
  rememberUnavailableReason: RememberUnavailableReason | null;
  applyHelper(snapshot: AppSnapshot): void;
}

export const createHelperSlice: SliceCreator<HelperSlice> = () => (set, get) => ({
  helper: null,
  rememberAvailable: false,
  rememberUnavailableReason: null,
  applyHelper: (snapshot) => {
    const before = get().helper?.state;
    const after = snapshot.helper.state;
    set({
      helper: snapshot.helper,
      rememberAvailable: snapshot.rememberAvailable,
      rememberUnavailableReason: snapshot.rememberAvailable ? null : snapshot.rememberUnavailableReason ?? null,
    });
    if (before === after) return;
    if (after === 'unavailable') get().announce('The Postern helper is not running');
    if (after === 'connected' && before !== undefined) {
      get().announce('The Postern helper is running');
      void get().loadLog(); // a restarted helper has a log of its own
    }
  },
});
