import type { AppParams, KillSwitchState } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';
import { shownError } from './notice-slice';
import type { ShownError } from './notice-slice';

export type KillSwitchChange = AppParams<'killswitch.set'>;

/**
 * The machine's kill switch (the helper keeps it; main passes it on in every snapshot and
 * `killswitch` event). A change shows at once and falls back to what the helper says when
 * it refuses; the refusal shows in the settings, where the change was made.
 */
export interface KillSwitchSlice {
  /** What the window shows: the helper's state with the changes still on their way laid over it; null while no helper says. */
  killSwitch: KillSwitchState | null;
  /** The helper's state as main last said. */
  killSwitchConfirmed: KillSwitchState | null;
  /** Changes sent and not yet answered. */
  killSwitchPending: KillSwitchChange | null;
  /** Why the last change did not go through, in plain words (shown in the settings). */
  killSwitchError: ShownError | null;
  applyKillSwitch(state: KillSwitchState | null): void;
  updateKillSwitch(change: KillSwitchChange): Promise<boolean>;
}

export const createKillSwitchSlice: SliceCreator<KillSwitchSlice> = ({ api }) => (set, get) => {
  /** Only the answer to the latest change clears what is pending (a quick second change may still be on its way). */
  let latest = 0;
  const shown = (confirmed: KillSwitchState | null, pending: KillSwitchChange | null): KillSwitchState | null =>
    confirmed === null || pending === null ? confirmed : { ...confirmed, ...pending };
  const settle = (ticket: number, confirmed: KillSwitchState | null): void => {
    const pending = ticket === latest ? null : get().killSwitchPending;
    set({ killSwitchConfirmed: confirmed, killSwitchPending: pending, killSwitch: shown(confirmed, pending) });
  };
  return {
    killSwitch: null,
    killSwitchConfirmed: null,
    killSwitchPending: null,
    killSwitchError: null,
    applyKillSwitch: (state) => {
      if (state === get().killSwitchConfirmed) return;
      set({ killSwitchConfirmed: state, killSwitch: shown(state, get().killSwitchPending) });
    },
    updateKillSwitch: async (change) => {
      const ticket = ++latest;
      const pending = { ...get().killSwitchPending, ...change };
      set({ killSwitchPending: pending, killSwitch: shown(get().killSwitchConfirmed, pending), killSwitchError: null });
      try {
        settle(ticket, await api.call('killswitch.set', change));
        get().announce('Kill switch setting saved');
        return true;
      } catch (error) {
        // What the helper holds now (its events said so meanwhile) is what shows again.
        settle(ticket, get().killSwitchConfirmed);
        set({ killSwitchError: shownError(error) });
        return false;
      }
    },
  };
};
