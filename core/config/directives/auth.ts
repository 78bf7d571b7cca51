import { Secret } from '../../wire/secret';
import { choiceArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';
import { parseUserPass } from '../inline-content';

/**
 * Username/password, challenge and private-key passphrase settings
 * (protocol.md §10; ovpn:options.c "auth-user-pass", "static-challenge", "askpass").
 */

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void, inline = false): SupportedSpec {
  return { name, category: 'supported', family: 'auth', minArgs, maxArgs, apply, inline };
}

// auth-user-pass [FILE | <auth-user-pass> block]: without content, the user is asked.
function applyAuthUserPass(ctx: DirectiveContext): void {
  ctx.draft.auth.userPass = true;
  if (ctx.call.inline === undefined && ctx.call.args[0] === undefined) return;
  const text = ctx.fileText(0);
  const creds = text === undefined ? undefined : parseUserPass(ctx, text);
  if (creds === undefined) return;
  ctx.draft.auth.username = creds.username;
  if (creds.password === undefined) delete ctx.draft.auth.password;
  else ctx.draft.auth.password = new Secret(creds.password);
}

// static-challenge TEXT ECHO [scrv1|concat] (the format argument is 2.7's).
function applyStaticChallenge(ctx: DirectiveContext): void {
  const [text, echo] = ctx.call.args;
  const echoFlag = choiceArg(ctx, 1, ['0', '1'] as const);
  const format = ctx.call.args[2] === undefined ? 'scrv1' : choiceArg(ctx, 2, ['scrv1', 'concat'] as const);
  if (text === undefined || echo === undefined || echoFlag === undefined || format === undefined) return;
  ctx.draft.auth.staticChallenge = { text, echo: echoFlag === '1', format };
}

// askpass [FILE]: the private key is encrypted; its passphrase is asked, or read from FILE.
function applyAskpass(ctx: DirectiveContext): void {
  ctx.draft.auth.askPassphrase = true;
  if (ctx.call.args[0] === undefined && ctx.call.inline === undefined) return;
  const text = ctx.fileText(0);
  const passphrase = text?.split('\n')[0]?.replace(/\r$/, '');
  if (passphrase !== undefined && passphrase !== '') ctx.draft.auth.keyPassphrase = new Secret(passphrase);
}

export const AUTH_DIRECTIVES: readonly DirectiveSpec[] = [
  spec('auth-user-pass', 0, 1, applyAuthUserPass, true),
  spec('auth-nocache', 0, 0, (ctx) => { ctx.draft.auth.noCache = true; }),
  spec('auth-retry', 1, 1, (ctx) => {
    const mode = choiceArg(ctx, 0, ['none', 'nointeract', 'interact'] as const);
    if (mode !== undefined) ctx.draft.auth.retry = mode;
  }),
  spec('static-challenge', 2, 3, applyStaticChallenge),
  // Inline <askpass> is Postern's own: it is how an imported profile keeps a passphrase file.
  spec('askpass', 0, 1, applyAskpass, true),
];
