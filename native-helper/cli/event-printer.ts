import { printable } from '../api/index';
import type { HelperEvent } from '../api/index';
import type { CommandIo } from './check-command';
import { promptLine } from './prompt-line';
import { errorDataLine } from './cli-words';

const STATE_WORDS: Record<string, string> = {
  resolving: 'Looking up the server',
  connecting: 'Connecting',
  tls_handshake: 'Checking the server (TLS)',
  authenticating: 'Signing in',
  auth_pending: 'Waiting for the server to finish sign-in',
  pulling_config: 'Getting the network settings',
  configuring: 'Setting up the tunnel device, routes and DNS',
  reconnecting: 'Connection lost; reconnecting',
  disconnecting: 'Disconnecting',
  disconnected: 'Disconnected',
};

/**
 * Prints helper events for people (`postern connect`) or as JSON lines (`--json`).
 * JSON lines are the events as the helper socket carries them, except prompts, which
 * have their own flat line (prompt-line.ts): scripts rely on both.
 */
export function createEventPrinter(io: CommandIo, json: boolean): (event: HelperEvent) => void {
  if (json) return (event) => io.out(`${JSON.stringify(event.type === 'prompt' ? promptLine(event) : event)}\n`);
  return (event) => {
    const line = humanLine(event);
    // What the server or another user wrote reaches a terminal: show control characters, never obey them.
    if (line !== undefined) io.out(`${printable(line)}\n`);
    const advice = event.type === 'state' && event.error ? errorDataLine(event.error.code, event.error.data) : undefined;
    if (advice !== undefined) io.out(`${printable(advice)}\n`);
  };
}

function humanLine(event: HelperEvent): string | undefined {
  switch (event.type) {
    case 'state': {
      if (event.state === 'connected') return `Connected in ${event.sinceStartMs} ms.`;
      if (event.error) return `${STATE_WORDS[event.state] ?? event.state}: ${event.error.message} [${event.error.code}]`;
      const words = STATE_WORDS[event.state];
      if (words === undefined) return undefined;
      return event.state === 'disconnected' ? `${words}.` : `${words}…`; // the ellipsis means "in progress"
    }
    case 'tunnel': {
      const { tunnel } = event;
      const addresses = [tunnel.ipv4, tunnel.ipv6].filter((a) => a !== undefined).join(', ');
      const dns = tunnel.dnsServers.length > 0 ? `; DNS ${tunnel.dnsServers.join(', ')}` : '';
      return `Tunnel ${tunnel.tunName} ${addresses} to ${tunnel.server.host} (${tunnel.server.address}:${tunnel.server.port}/${tunnel.server.proto}), ${tunnel.cipher}` +
        `${tunnel.redirectGateway ? '; all traffic goes through the VPN' : ''}${dns}`;
    }
    case 'log':
      return event.line.level === 'warn' || event.line.level === 'error' ? `${event.line.level}: ${event.line.message}` : undefined;
    case 'error':
      return `error: ${event.message} [${event.code}]`;
    case 'leak_check':
      return event.ok ? `Leak check passed (${event.checks.length} checks).`
        : `Leak check FAILED: ${event.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`).join('; ')}`;
    case 'reconnected':
      return `Reconnected in ${(event.tookMs / 1000).toFixed(1)} s (it went because: ${event.reason.message} [${event.reason.code}]).`;
    case 'renegotiated':
      return undefined; // routine (every reneg-sec): `--json` carries it, and core's info line is in `postern logs`
    case 'killswitch':
      return `Kill switch ${event.mode}${event.blocking ? ', blocking everything outside the tunnel' : ''}.`;
    case 'prompt':
    case 'prompt_closed':
    case 'stats':
      return undefined;
  }
}
