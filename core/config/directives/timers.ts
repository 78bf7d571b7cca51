import { intArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';
import type { TimerSettings } from '../profile-types';

/**
 * Keepalive, retry and renegotiation timers (protocol.md §11, §12, §14;
 * ovpn:options.c). All values are seconds except reneg-bytes/-pkts. The
 * connect-* ones are connection-level: a <connection> block may set its own.
 */

const MAX_SECONDS = 0x7fffffff;

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void, connection = false): SupportedSpec {
  return { name, category: 'supported', family: 'timers', minArgs, maxArgs, apply, connection };
}

type DraftTimer = Exclude<keyof TimerSettings, 'connectRetrySeconds' | 'connectRetryMaxSeconds' | 'serverPollTimeoutSeconds'>;

function timer(name: string, field: DraftTimer, max = MAX_SECONDS): SupportedSpec {
  return spec(name, 1, 1, (ctx) => {
    const value = intArg(ctx, 0, 0, max);
    if (value !== undefined) ctx.draft.timers[field] = value;
  });
}

function setPollTimeout(ctx: DirectiveContext): void {
  const seconds = intArg(ctx, 0, 0, MAX_SECONDS, 'a number of seconds');
  if (seconds !== undefined) ctx.conn.serverPollTimeoutSeconds = seconds;
}

export const TIMER_DIRECTIVES: readonly DirectiveSpec[] = [
  // keepalive PING RESTART: on a client, ping + ping-restart (ovpn:options.c helper_keepalive).
  spec('keepalive', 2, 2, (ctx) => {
    const ping = intArg(ctx, 0, 0, MAX_SECONDS);
    const restart = intArg(ctx, 1, 0, MAX_SECONDS);
    if (ping === undefined || restart === undefined) return;
    if (ping > 0 && restart > 0 && restart < ping * 2) {
      ctx.report('config.bad_value', 'error', `keepalive ${ping} ${restart}: the restart timeout must be at least twice the ping interval.`, { argIndex: 1 });
      return;
    }
    ctx.draft.timers.pingSeconds = ping;
    ctx.draft.timers.pingRestartSeconds = restart;
  }),
  timer('ping', 'pingSeconds'),
  timer('ping-restart', 'pingRestartSeconds'),
  timer('ping-exit', 'pingExitSeconds'),
  spec('inactive', 1, 2, (ctx) => {
    const seconds = intArg(ctx, 0, 0, MAX_SECONDS);
    if (seconds !== undefined) ctx.draft.timers.inactiveSeconds = seconds;
    if (ctx.call.args[1] !== undefined) intArg(ctx, 1, 0, Number.MAX_SAFE_INTEGER, 'a byte count');
  }),
  timer('hand-window', 'handWindowSeconds'),
  // reneg-sec MAX [MIN]: MIN only matters to servers.
  spec('reneg-sec', 1, 2, (ctx) => {
    const seconds = intArg(ctx, 0, 0, MAX_SECONDS);
    if (seconds !== undefined) ctx.draft.timers.renegotiateSeconds = seconds;
  }),
  timer('reneg-bytes', 'renegotiateBytes', Number.MAX_SAFE_INTEGER),
  timer('reneg-pkts', 'renegotiatePackets', Number.MAX_SAFE_INTEGER),
  timer('tran-window', 'tranWindowSeconds'),
  timer('tls-timeout', 'tlsTimeoutSeconds'),
  spec('connect-retry', 1, 2, (ctx) => {
    const seconds = intArg(ctx, 0, 0, 0xffff, 'a number of seconds');
    const max = ctx.call.args[1] === undefined ? undefined : intArg(ctx, 1, 0, MAX_SECONDS, 'a number of seconds');
    if (seconds !== undefined) ctx.conn.connectRetrySeconds = seconds;
    if (max !== undefined) ctx.conn.connectRetryMaxSeconds = Math.max(max, seconds ?? 0);
  }, true),
  // Global in 2.x even when written inside a block.
  spec('connect-retry-max', 1, 1, (ctx) => {
    const n = intArg(ctx, 0, 0, MAX_SECONDS);
    if (n !== undefined) ctx.draft.timers.connectRetryMax = n;
  }, true),
  spec('server-poll-timeout', 1, 1, setPollTimeout, true),
  spec('connect-timeout', 1, 1, setPollTimeout, true),
  spec('explicit-exit-notify', 0, 1, (ctx) => {
    const n = ctx.call.args[0] === undefined ? 1 : intArg(ctx, 0, 0, MAX_SECONDS);
    if (n !== undefined) ctx.conn.explicitExitNotify = n;
  }, true),
];
