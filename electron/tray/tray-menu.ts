import type { AppSnapshot } from '../api/app-api';
import { STATE_WORDS } from '../api/words';

export type TrayIconName = 'disconnected' | 'connecting' | 'connected' | 'attention' | 'error';

/** What the tray shows, as plain data; electron/main.ts turns it into a Tray and a Menu. */
export interface TrayModel {
  icon: TrayIconName;
  tooltip: string;
  items: TrayItem[];
}

export type TrayItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean };

export type TrayAction =
  | { type: 'connect'; profileId: string }
  | { type: 'disconnect' }
  | { type: 'open' }
  | { type: 'quit' };


/** The tray for a snapshot: one icon per state, the state and address, one item per profile, Open and Quit. */
export function buildTrayModel(snapshot: AppSnapshot): TrayModel {
  const { session, helper } = snapshot;
  const running = session !== null && session.state !== 'disconnected';
  const icon = trayIcon(snapshot);
  const stateLine = helper.state === 'unavailable'
    ? 'The Postern helper is not running'
    : running ? `${STATE_WORDS[session.state]}: ${session.profileName}` : session?.lastError ? `Failed: ${session.lastError.message}` : 'Not connected';
  const items: TrayItem[] = [{ kind: 'label', label: stateLine }];
  const address = running ? session.tunnel?.ipv4 ?? session.tunnel?.ipv6 : undefined;
  if (address) items.push({ kind: 'label', label: `Address: ${address}` });
  items.push({ kind: 'separator' });
  for (const profile of snapshot.profiles) {
    const isActive = running && session.profileName === profile.name;
    items.push(isActive
      ? { kind: 'action', label: `Disconnect ${profile.name}`, action: { type: 'disconnect' }, enabled: true }
      : { kind: 'action', label: `Connect ${profile.name}`, action: { type: 'connect', profileId: profile.id }, enabled: !running && helper.state === 'connected' });
  }
  if (snapshot.profiles.length === 0) items.push({ kind: 'label', label: 'No profiles yet: open Postern and drop a .ovpn file' });
  items.push({ kind: 'separator' }, { kind: 'action', label: 'Open Postern', action: { type: 'open' }, enabled: true },
    { kind: 'action', label: 'Quit', action: { type: 'quit' }, enabled: true });
  return { icon, tooltip: `Postern — ${stateLine}`, items };
}

function trayIcon({ session, helper }: AppSnapshot): TrayIconName {
  if (helper.state === 'unavailable') return 'error';
  if (!session || session.state === 'disconnected') return session?.lastError ? 'error' : 'disconnected';
  if (session.prompt) return 'attention';
  return session.state === 'connected' ? 'connected' : 'connecting';
}
