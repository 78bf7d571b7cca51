import type { PromptEvent } from '../api/index';

/**
 * The stable `--json` line of a prompt (scripts rely on it): the prompt's fields at the
 * top level next to `type`, and `url` only for web sign-in.
 *
 *   {"type":"prompt","id":"p1","kind":"cr_text","text":"Enter code","echo":true,"timeoutSeconds":60,...}
 */
export function promptLine(event: PromptEvent): Record<string, unknown> {
  const { prompt } = event;
  return {
    type: 'prompt',
    sessionId: event.sessionId,
    id: prompt.id,
    kind: prompt.kind,
    text: prompt.text,
    echo: prompt.echo,
    ...(prompt.url === undefined ? {} : { url: prompt.url }),
    timeoutSeconds: prompt.timeoutSeconds,
    ...(prompt.username === undefined ? {} : { username: prompt.username }),
    needs: prompt.needs,
  };
}
