import type { AppSnapshot } from '../api/app-api';
import { BLOCKING_WORDS, KILL_SWITCH_MODE_WORDS, KILL_SWITCH_WORDS, LEAK_BADGE_WORDS, STATE_WORDS } from '../api/words';

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


/**
 * The tray for a snapshot: one icon per state, the state and address (or that the kill switch
 * blocks with no VPN up), a failed leak check, the kill switch's mode when on, one item per
 * profile, Open and Quit.
 */
export function buildTrayModel(snapshot: AppSnapshot): TrayModel {
  const { session, helper } = snapshot;
  const running = session !== null && session.state !== 'disconnected';
  const icon = trayIcon(snapshot);
  const failure = session?.lastError ? `Failed: ${session.lastError.message}` : undefined;
  const stateLine = helper.state === 'unavailable'
    ? 'The Postern helper is not running'
    : running ? `${STATE_WORDS[session.state]}: ${session.profileName}` : isBlockingWithoutVpn(snapshot) ? BLOCKING_WORDS.short : failure ?? 'Not connected';
  const items: TrayItem[] = [{ kind: 'label', label: stateLine }];
  if (helper.state === 'unavailable' && helper.killSwitchLeftBlocking) items.push({ kind: 'label', label: BLOCKING_WORDS.short });
  if (!running && failure && stateLine !== failure && helper.state === 'connected') items.push({ kind: 'label', label: failure });
  const address = running ? session.tunnel?.ipv4 ?? session.tunnel?.ipv6 : undefined;
  if (address) items.push({ kind: 'label', label: `Address: ${address}` });
  if (leakCheckFailed(snapshot)) items.push({ kind: 'label', label: LEAK_BADGE_WORDS.failed });
  const killSwitch = helper.state === 'connected' ? snapshot.killSwitch : undefined;
  if (killSwitch && killSwitch.mode !== 'off') items.push({ kind: 'label', label: `${KILL_SWITCH_WORDS.title}: ${KILL_SWITCH_MODE_WORDS[killSwitch.mode].name}` });
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

/** The kill switch blocks and no VPN runs: nothing gets out until one connects (or the block is lifted). */
export function isBlockingWithoutVpn({ helper, session, killSwitch }: AppSnapshot): boolean {
  const running = session !== null && session.state !== 'disconnected';
  return helper.state === 'connected' && killSwitch?.blocking === true && !running;
}

function leakCheckFailed({ session }: AppSnapshot): boolean {
  return session?.state === 'connected' && session.leakCheck?.ok === false;
}

function trayIcon(snapshot: AppSnapshot): TrayIconName {
  const { session, helper } = snapshot;
  if (helper.state === 'unavailable') return 'error';
  if (!session || session.state === 'disconnected') return session?.lastError ? 'error' : isBlockingWithoutVpn(snapshot) ? 'attention' : 'disconnected';
  if (session.prompt || leakCheckFailed(snapshot)) return 'attention';
  return session.state === 'connected' ? 'connected' : 'connecting';
}
