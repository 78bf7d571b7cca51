import type { DirectiveContext } from './directive-spec';

/**
 * Argument readers for the handlers. Each reports `config.bad_value` at the
 * argument and returns undefined when the value is unusable, so a handler can
 * simply skip the assignment.
 */
export function intArg(ctx: DirectiveContext, index: number, min: number, max: number, what = 'a number'): number | undefined {
  const text = ctx.call.args[index];
  if (text === undefined) return undefined;
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${text}" is not ${what} between ${min} and ${max}.`, { argIndex: index });
    return undefined;
  }
  return value;
}

export function portArg(ctx: DirectiveContext, index: number): number | undefined {
  return intArg(ctx, index, 1, 65535, 'a port');
}

/** Seconds as 2.x's positive_atoi takes them (0 allowed; 2^31 − 1 at most). */
export function secondsArg(ctx: DirectiveContext, index: number): number | undefined {
  return intArg(ctx, index, 0, 0x7fffffff, 'a number of seconds');
}

export function choiceArg<T extends string>(ctx: DirectiveContext, index: number, choices: readonly T[]): T | undefined {
  const text = ctx.call.args[index];
  if (text === undefined) return undefined;
  if ((choices as readonly string[]).includes(text)) return text as T;
  ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${text}" must be one of ${choices.join(', ')}.`, { argIndex: index });
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** A plausible IPv6 literal (hex groups and colons, optional embedded IPv4); the OS checks the rest. */
export function isIpv6(text: string): boolean {
  return /^[0-9A-Fa-f:.]+$/.test(text) && text.includes(':') && text.length <= 45;
}

/** A host name or address as `remote` and `http-proxy` take it. */
export function isHostName(text: string): boolean {
  return text.length > 0 && text.length <= 253 && /^[A-Za-z0-9._:%\-[\]]+$/.test(text);
}
