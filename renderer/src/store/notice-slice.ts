import { AppCallError } from '../../../electron/api/app-api';
import type { ErrorData } from '../../../electron/api/index';
import { errorText } from '../error-text';
import type { SliceCreator } from './app-state';

export interface ShownError {
  code: string;
  /** Plain words with the next step (error-text.ts). */
  text: string;
  /** What main or the helper said, shown small when it adds something. */
  detail: string;
}

/** The last error for the banner, and the last state change in words for the aria-live region. */
export interface NoticeSlice {
  error: ShownError | null;
  announcement: string;
  showError(code: string, message: string, data?: ErrorData): void;
  /** Shows a failed call's error; returns it, for dialogs that show it in place. */
  fail(error: unknown): ShownError;
  announce(text: string): void;
  dismissError(): void;
}

export function shownError(error: unknown): ShownError {
  const code = error instanceof AppCallError ? error.code : 'app.unreachable';
  const detail = error instanceof Error ? error.message : String(error);
  return { code, text: errorText(code, detail), detail };
}

export const createNoticeSlice: SliceCreator<NoticeSlice> = () => (set) => ({
  error: null,
  announcement: '',
  showError: (code, message, data) => set({ error: { code, text: errorText(code, message, data), detail: message } }),
  fail: (error) => {
    const shown = shownError(error);
    set({ error: shown });
    return shown;
  },
  announce: (text) => set({ announcement: text }),
  dismissError: () => set({ error: null }),
});
