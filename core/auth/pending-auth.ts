import type { ControlMessage } from '../control/classify-control-message';
import { parseInfoPre } from '../control/info-pre';
import type { InfoPre } from '../control/info-pre';
import type { SessionEnd, LogLevel } from '../session/events';
import { Secret } from '../wire/secret';
import type { PromptBox } from './prompt-box';
import { isSameQuestion, type PendingQuestion } from './pending-question';

export interface PendingAuthSession {
  sendCrResponse(response: Secret): boolean;
}

export interface PendingAuthHooks {
  log(level: LogLevel, message: string): void;
  /** The user cancelled a question of this attempt: the client stops. */
  onCancelled(): void;
}

/**
 * AUTH_PENDING within one attempt (protocol.md §10): the server's INFO_PRE/INFO asks a
 * CR_TEXT question (answered with CR_RESPONSE) or hands over a web sign-in URL, which the
 * app opens; the client keeps waiting until the PUSH_REPLY or the server's deadline.
 * A repeat of the question already asked raises no second prompt (pending-question.ts);
 * a different one supersedes it; the next attempt starts afresh.
 */
export class PendingAuth {
  #timeoutSeconds: number | null = null;
  #promptId: string | undefined;
  /** The question of this attempt that became a prompt (open or answered). */
  #asked: PendingQuestion | undefined;

  constructor(private readonly prompts: PromptBox, private readonly hooks: PendingAuthHooks) {}

  onControlMessage(message: ControlMessage, session: PendingAuthSession): void {
    if (message.kind === 'auth_pending') this.#timeoutSeconds = message.timeoutSeconds ?? null;
    if (message.kind === 'info_pre') this.#onInfo(message.info, session);
    // 2.6 servers may also send OPEN_URL / WEB_AUTH / CR_TEXT as plain INFO.
    if (message.kind === 'info') this.#onInfo(parseInfoPre(message.text), session);
  }

  onConnected(): void {
    if (this.#promptId !== undefined) this.prompts.close('completed', this.#promptId);
    this.#promptId = undefined;
    this.#asked = undefined;
  }

  onAttemptEnded(end: SessionEnd): void {
    if (this.#promptId !== undefined) this.prompts.close(end.code === 'auth.pending_timeout' ? 'expired' : 'cancelled', this.#promptId);
    this.#promptId = undefined;
    this.#timeoutSeconds = null;
    this.#asked = undefined;
  }

  #onInfo(info: InfoPre, session: PendingAuthSession): void {
    // The open prompt stays as it is; the session has already taken the repeat's new deadline.
    if (info.kind !== 'other' && isSameQuestion(this.#asked, info)) return;
    switch (info.kind) {
      case 'cr_text':
        this.#askCrText(info, session);
        return;
      case 'open_url':
      case 'web_auth':
        this.#askWebSignIn(info);
        return;
      case 'other':
        return;
    }
  }

  #askCrText(info: Extract<InfoPre, { kind: 'cr_text' }>, session: PendingAuthSession): void {
    const { id, answer } = this.prompts.ask({
      kind: 'cr_text', text: info.text, echo: info.echo, timeoutSeconds: this.#timeoutSeconds,
      needs: { username: false, password: false, response: info.responseRequired },
    });
    this.#promptId = id;
    this.#asked = info;
    void answer.then((given) => {
      if (this.#promptId === id) this.#promptId = undefined;
      if (!given) {
        if (this.#wasCancelled(id)) this.hooks.onCancelled();
        return;
      }
      if (!session.sendCrResponse(given.response ?? new Secret(''))) this.hooks.log('warn', 'The answer came after the connection attempt ended.');
    });
  }

  #askWebSignIn(info: Extract<InfoPre, { kind: 'open_url' | 'web_auth' }>): void {
    const { url } = info;
    if (!isWebUrl(url)) {
      // Never hand anything but http(s) to a browser; the address itself may carry a token, so it is not logged.
      this.hooks.log('warn', 'The server sent a sign-in address that is not http or https; it was not opened.');
      return;
    }
    const { id, answer } = this.prompts.ask({
      kind: 'web_auth', text: 'Sign in with your web browser to finish connecting.', echo: true, url, timeoutSeconds: this.#timeoutSeconds,
      needs: { username: false, password: false, response: false },
    });
    this.#promptId = id;
    this.#asked = info;
    void answer.then((given) => {
      if (this.#promptId === id) this.#promptId = undefined;
      if (!given && this.#wasCancelled(id)) this.hooks.onCancelled();
    });
  }

  /** Closed by the user (cancel), not by the connection (completed, expired, superseded). */
  #wasCancelled(id: string): boolean {
    return this.prompts.lastClosed?.id === id && this.prompts.lastClosed.reason === 'cancelled';
  }
}

export function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
