import type { HelperEvent } from '../../native-helper/api/index';
import { LEAK_BADGE_WORDS, LEAK_CHECK_WORDS } from '../api/words';

/** The desktop notification an event deserves, if any: connected, dropped, failed, a question waiting, or a failed leak check. */
export function notificationFor(event: HelperEvent): { title: string; body: string } | undefined {
  if (event.type === 'state' && event.state === 'connected') return { title: 'Postern: connected', body: `${event.profileName} is up.` };
  if (event.type === 'state' && event.state === 'disconnected') {
    return event.error
      ? { title: 'Postern: connection failed', body: `${event.profileName}: ${event.error.message}` }
      : { title: 'Postern: disconnected', body: `${event.profileName} is down.` };
  }
  if (event.type === 'leak_check' && !event.ok) {
    const failed = event.checks.filter((check) => !check.ok).map((check) => `“${LEAK_CHECK_WORDS[check.id]}”`);
    return { title: `Postern: ${LEAK_BADGE_WORDS.failed.toLowerCase()}`, body: `Failed checks: ${failed.join(', ')}. ${LEAK_BADGE_WORDS.failedNext}` };
  }
  if (event.type === 'prompt') return { title: 'Postern: sign-in needed', body: event.prompt.kind === 'web_auth' ? 'Finish signing in with your browser.' : event.prompt.text };
  return undefined;
}
