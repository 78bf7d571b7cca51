import { PushAccumulator } from '../control/push-reply';
import { buildTunnelConfig, type TunnelConfig } from '../control/tunnel-config';
import { tapAddressMissing } from '../control/pushed-network';
import type { DropReason } from './codes';
import type { SessionEnd } from './events';
import { pendingAuthSeconds } from './pending-auth-deadline';
import type { SessionSettings } from './session-settings';

/**
 * While the server has said its sign-in is pending (AUTH_PENDING), PUSH_REQUEST is repeated
 * every 5 s, as the 2.6 client does (ovpn:push.c): the server answers when it is ready.
 */
export const PUSH_REQUEST_INTERVAL_MS = 5_000;

/**
 * Without AUTH_PENDING, every second. A 2.4 server whose client-connect or sign-in is
 * deferred (a management or plugin check, an MFA push) drops each PUSH_REQUEST that comes
 * before it has finished and never replies unasked, so the wait after the sign-in is done is
 * up to one interval: measured against Ubuntu's 2.4.7 with the sign-in granted 1.5–4.5 s
 * after the handshake, Postern connected 1.2–1.8 s after it at 1 s and 3.8–7.2 s after it at
 * 5 s (the 2.6 client 5–8 s). 2.5+ servers push unasked and ignore repeats; at most
 * hand-window (60) tiny control messages, once per connect.
 */
export const PUSH_REQUEST_RETRY_MS = 1_000;

/**
 * The first PUSH_REQUEST goes out this long after the initial key is active (the server's
 * key-method read, all our control packets ACKed), never together with the ACK that makes
 * the server's key active. A 2.4 server reads such a request in the same loop iteration
 * as that ACK, before the client counts as connected, and drops it (ovpn 2.4 push.c
 * process_incoming_push_request): only the retry 5 s later was answered. The 2.6 client
 * waits 0–1 s (its 1 s connection poll); any gap works once the ACK travels alone, so a
 * short one. 2.5+ servers answer unsolicited (IV_PROTO_REQUEST_PUSH, which we announce)
 * and never wait for it, so the gap costs them nothing (shared/protocol-2.7.md §4).
 */
export const FIRST_PUSH_REQUEST_DELAY_MS = 200;

/** When the first PUSH_REQUEST goes out, the initial key having become active at `activeAtMs`. */
export function firstPushRequestAtMs(activeAtMs: number): number {
  return activeAtMs + FIRST_PUSH_REQUEST_DELAY_MS;
}

/** When the next PUSH_REQUEST goes out after one sent at `sentAtMs`, in a sign-in the server said is pending or not. */
export function nextPushRequestAtMs(sentAtMs: number, authPending: boolean): number {
  return sentAtMs + (authPending ? PUSH_REQUEST_INTERVAL_MS : PUSH_REQUEST_RETRY_MS);
}

/**
 * AUTH_PENDING's own deadline, counted from the initial key's exchange (ovpn:push.c
 * receive_auth_pending); it replaces the hand-window, which no longer applies.
 */
export function authPendingDeadlineMs(keyExchangedAtMs: number, timeoutSeconds: number | undefined, timers: SessionSettings['timers']): number {
  return keyExchangedAtMs + pendingAuthSeconds(timeoutSeconds, timers) * 1000;
}

export type PushReplyRead =
  /** More PUSH_REPLY parts follow (push-continuation 2). */
  | { kind: 'incomplete' }
  | { kind: 'dropped'; reason: DropReason }
  | { kind: 'failed'; end: SessionEnd }
  | { kind: 'complete'; config: TunnelConfig };

/** Collects PUSH_REPLY parts and turns the whole into a TunnelConfig, through pull-filter and route-nopull. */
export class PushReplyReader {
  readonly #accumulator = new PushAccumulator();

  constructor(private readonly settings: Pick<SessionSettings, 'routeNopull' | 'pullFilters' | 'device'>) {}

  read(text: string): PushReplyRead {
    const accumulated = this.#accumulator.push(text);
    if (!accumulated.ok) return { kind: 'dropped', reason: accumulated.error.code };
    if (!accumulated.value.done) return { kind: 'incomplete' };
    const built = buildTunnelConfig(accumulated.value.options, {
      routeNopull: this.settings.routeNopull, pullFilters: this.settings.pullFilters, device: this.settings.device ?? 'tun',
    });
    if (!built.ok) {
      return { kind: 'failed', end: { code: built.error.code, message: `pull-filter rejected the pushed option "${built.error.option}".`, fatal: true } };
    }
    return { kind: 'complete', config: built.value };
  }
}

/**
 * Why the first push cannot make a tunnel, if it cannot: on tap, a push with no address
 * leaves the device to a DHCP client Postern does not run (a later push only renews the
 * auth-token, so only the first one is held to this).
 */
export function endForFirstPush(config: TunnelConfig): SessionEnd | undefined {
  if (!tapAddressMissing(config)) return undefined;
  const gateway = config.routeGateway === undefined ? '' : ` (it pushed route-gateway ${config.routeGateway})`;
  return {
    code: 'control.tap_no_ifconfig',
    message: `The server pushed no address (ifconfig) for the TAP device${gateway}: it expects DHCP inside the bridge, which Postern does not run.`,
    fatal: true,
  };
}
