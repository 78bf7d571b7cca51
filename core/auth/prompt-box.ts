import { err, ok, type Result } from '../wire/result';
import type { AuthAnswer, AuthAnswerError, AuthPrompt, PromptClosedReason } from './auth-prompt';

export interface PromptBoxEvents {
  onPrompt(prompt: AuthPrompt): void;
  onPromptClosed(promptId: string, reason: PromptClosedReason): void;
}

interface OpenPrompt {
  prompt: AuthPrompt;
  settle(answer: AuthAnswer | undefined): void;
}

/**
 * Holds the one question open at a time. `ask` resolves with the answer, or undefined
 * when the prompt was cancelled or closed by the server's side (a newer prompt, the
 * sign-in completing, the deadline passing).
 */
export class PromptBox {
  #open: OpenPrompt | undefined;
  #nextId = 1;
  /** How the last prompt ended: tells a user's cancel from the connection closing it. */
  lastClosed: { id: string; reason: PromptClosedReason } | undefined;

  constructor(private readonly events: PromptBoxEvents) {}

  get current(): AuthPrompt | undefined {
    return this.#open?.prompt;
  }

  ask(prompt: Omit<AuthPrompt, 'id'>): { id: string; answer: Promise<AuthAnswer | undefined> } {
    this.close('superseded');
    const id = `p${this.#nextId++}`;
    const answer = new Promise<AuthAnswer | undefined>((resolve) => {
      this.#open = { prompt: { ...prompt, id }, settle: resolve };
    });
    this.events.onPrompt({ ...prompt, id });
    return { id, answer };
  }

  answer(promptId: string, answer: AuthAnswer): Result<void, AuthAnswerError> {
    const open = this.#find(promptId);
    if (!open.ok) return open;
    const { needs } = open.value.prompt;
    const missing = [
      needs.username && !answer.username ? 'username' : undefined,
      needs.password && (!answer.password || answer.password.reveal() === '') ? 'password' : undefined,
      needs.response && (!answer.response || answer.response.reveal() === '') ? 'response' : undefined,
    ].filter((field) => field !== undefined);
    if (missing.length > 0) return err({ code: 'auth.bad_answer', message: `The answer needs: ${missing.join(', ')}.` });
    this.#settle('answered', answer);
    return ok(undefined);
  }

  cancel(promptId: string): Result<void, AuthAnswerError> {
    const open = this.#find(promptId);
    if (!open.ok) return open;
    this.#settle('cancelled', undefined);
    return ok(undefined);
  }

  /** Closes the open prompt, if any, for a reason of the connection's (not the user's). */
  close(reason: PromptClosedReason, id?: string): void {
    if (this.#open && (id === undefined || this.#open.prompt.id === id)) this.#settle(reason, undefined);
  }

  #find(promptId: string): Result<OpenPrompt, AuthAnswerError> {
    const open = this.#open;
    return open && open.prompt.id === promptId ? ok(open) : err({ code: 'auth.no_prompt', message: 'No question with that id is waiting for an answer.' });
  }

  #settle(reason: PromptClosedReason, answer: AuthAnswer | undefined): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    this.lastClosed = { id: open.prompt.id, reason };
    this.events.onPromptClosed(open.prompt.id, reason);
    open.settle(answer);
  }
}
