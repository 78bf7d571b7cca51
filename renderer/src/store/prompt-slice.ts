import type { Prompt, SessionStatus } from '../../../electron/api/app-api';
import type { SliceCreator } from './app-state';
import { shownError } from './notice-slice';
import type { ShownError } from './notice-slice';

export interface Answer {
  username?: string;
  password?: string;
  response?: string;
  remember?: boolean;
}

/** The question the server asks now (sign-in, code, web sign-in), if any. */
export interface PromptSlice {
  prompt: Prompt | null;
  /** Local clock when it arrived: the countdown of `timeoutSeconds` starts here. */
  promptReceivedAtMs: number;
  /** An answer is on its way; the dialog waits for prompt_closed (or a new question). */
  answering: boolean;
  /** Why the last answer did not go through, shown inside the dialog (a modal hides the banner). */
  promptError: ShownError | null;
  /** The session that asked it (prompt ids are unique per session only). */
  promptSessionId: string | null;
  /** `session/prompt` keys answered or cancelled here: a snapshot that lags must not reopen them. */
  closedPromptKeys: string[];
  applyPrompt(sessionId: string, prompt: Prompt): void;
  applySessionPrompt(session: SessionStatus | null): void;
  closePrompt(sessionId: string, promptId: string): void;
  closeAllPrompts(): void;
  answer(answer: Answer): Promise<boolean>;
  cancelPrompt(): Promise<void>;
  openUrl(): Promise<void>;
}

const REMEMBERED_CLOSED_IDS = 20;

export const createPromptSlice: SliceCreator<PromptSlice> = ({ api, nowMs }) => (set, get) => {
  const keyOf = (sessionId: string, promptId: string): string => `${sessionId}/${promptId}`;
  const remember = (key: string): string[] => [...get().closedPromptKeys.filter((k) => k !== key), key].slice(-REMEMBERED_CLOSED_IDS);
  return {
    prompt: null,
    promptReceivedAtMs: 0,
    answering: false,
    promptError: null,
    promptSessionId: null,
    closedPromptKeys: [],
    applyPrompt: (sessionId, prompt) => {
      if (get().closedPromptKeys.includes(keyOf(sessionId, prompt.id))) return;
      if (get().promptSessionId === sessionId && get().prompt?.id === prompt.id) return;
      set({ prompt, promptSessionId: sessionId, promptReceivedAtMs: nowMs(), answering: false, promptError: null });
      get().announce(prompt.kind === 'web_auth' ? 'The server asks you to sign in with your browser' : `The server asks: ${prompt.text}`);
    },
    applySessionPrompt: (session) => {
      // No session (or a finished one) cannot have a question; a running one may lag behind the events, so only add.
      if (!session || session.state === 'disconnected') get().closeAllPrompts();
      else if (session.prompt) get().applyPrompt(session.sessionId, session.prompt);
    },
    closePrompt: (sessionId, promptId) => {
      const open = get().promptSessionId === sessionId && get().prompt?.id === promptId;
      set({ closedPromptKeys: remember(keyOf(sessionId, promptId)), ...(open ? { prompt: null, answering: false, promptError: null } : {}) });
    },
    closeAllPrompts: () => {
      const { prompt, promptSessionId } = get();
      if (prompt && promptSessionId !== null) get().closePrompt(promptSessionId, prompt.id);
    },
    answer: async (answer) => {
      const prompt = get().prompt;
      if (!prompt || get().answering) return false;
      set({ answering: true, promptError: null });
      try {
        await api.call('auth.answer', { promptId: prompt.id, ...answer });
        return true;
      } catch (error) {
        if (get().prompt?.id === prompt.id) set({ answering: false, promptError: shownError(error) });
        return false;
      }
    },
    cancelPrompt: async () => {
      const { prompt, promptSessionId } = get();
      if (!prompt || promptSessionId === null) return;
      get().closePrompt(promptSessionId, prompt.id);
      try {
        await api.call('auth.cancel', { promptId: prompt.id });
      } catch (error) {
        // Already gone on the helper's side is what we wanted anyway.
        const shown = shownError(error);
        if (shown.code !== 'auth.no_prompt') get().fail(error);
      }
    },
    openUrl: async () => {
      const prompt = get().prompt;
      if (!prompt) return;
      try {
        await api.call('auth.openUrl', { promptId: prompt.id });
      } catch (error) {
        set({ promptError: shownError(error) });
      }
    },
  };
};

/** Seconds left before the server gives up on the question, or null without a deadline. */
export function remainingSeconds(prompt: Prompt, receivedAtMs: number, nowMs: number): number | null {
  if (prompt.timeoutSeconds === null) return null;
  return Math.max(0, Math.ceil(prompt.timeoutSeconds - (nowMs - receivedAtMs) / 1000));
}
