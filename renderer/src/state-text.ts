import { STATE_WORDS } from '../../electron/api/index';

/** Each tunnel state in words (the table the tray shares), for the phase line, the profile list and announcements. */
export function stateText(state: string): string {
  return Object.hasOwn(STATE_WORDS, state) ? STATE_WORDS[state as keyof typeof STATE_WORDS] : state;
}
