import type { HelperEvent } from '../../native-helper/api/index';

/** The desktop notification an event deserves, if any: connected, dropped, failed, or a question waiting. */
export function notificationFor(event: HelperEvent): { title: string; body: string } | undefined {
  if (event.type === 'state' && event.state === 'connected') return { title: 'Postern: connected', body: `${event.profileName} is up.` };
  if (event.type === 'state' && event.state === 'disconnected') {
    return event.error
      ? { title: 'Postern: connection failed', body: `${event.profileName}: ${event.error.message}` }
      : { title: 'Postern: disconnected', body: `${event.profileName} is down.` };
  }
  if (event.type === 'prompt') return { title: 'Postern: sign-in needed', body: event.prompt.kind === 'web_auth' ? 'Finish signing in with your browser.' : event.prompt.text };
  return undefined;
}
