import type { QuitWhileConnected } from '../api/app-api';

export type QuitChoice = 'disconnect' | 'keep' | 'cancel';

/** The dialog's buttons, in order; the dialog answers with an index into this. */
export const QUIT_BUTTONS: readonly QuitChoice[] = ['disconnect', 'keep', 'cancel'];

/**
 * What quitting does while a VPN is up. The setting decides when it says so; otherwise the person
 * is asked (`ask` shows the dialog and resolves with the button's index and the "every time" box).
 * A remembered answer becomes the setting; Cancel is never remembered.
 */
export async function decideQuit(
  setting: QuitWhileConnected | undefined,
  ask: () => Promise<{ response: number; checkboxChecked: boolean }>,
  remember: (choice: Exclude<QuitWhileConnected, 'ask'>) => void,
): Promise<QuitChoice> {
  if (setting === 'disconnect' || setting === 'keep') return setting;
  const answer = await ask();
  const choice = QUIT_BUTTONS[answer.response] ?? 'cancel';
  if (answer.checkboxChecked && choice !== 'cancel') remember(choice);
  return choice;
}
