import { choiceArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';

/**
 * Compression framing (protocol.md §8; ovpn:options.c "comp-lzo", "compress",
 * "allow-compression"). Postern never compresses what it sends, like 2.7+; the
 * framing still has to match the server's, so these settings matter.
 */

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void): SupportedSpec {
  return { name, category: 'supported', family: 'compression', minArgs, maxArgs, apply };
}

const COMPRESS_ALGORITHMS = ['stub', 'stub-v2', 'lz4', 'lz4-v2', 'lzo', 'migrate'] as const;

function warnDeprecated(ctx: DirectiveContext, what: string): void {
  ctx.report('config.compression_deprecated', 'warning',
    `${what}: Postern sends packets uncompressed and accepts compressed ones only with allow-compression asym; compression lets an attacker learn tunnel content (VORACLE).`,
    { hint: 'Ask the server administrator to switch to compress stub-v2, or remove compression on both sides.' });
}

export const COMPRESSION_DIRECTIVES: readonly DirectiveSpec[] = [
  spec('comp-lzo', 0, 1, (ctx) => {
    const mode = ctx.call.args[0] === undefined ? 'adaptive' : choiceArg(ctx, 0, ['yes', 'no', 'adaptive'] as const);
    if (mode === undefined) return;
    ctx.draft.compression.compLzo = mode;
    delete ctx.draft.compression.compress;
    if (mode !== 'no') warnDeprecated(ctx, `comp-lzo ${mode}`);
  }),
  spec('compress', 0, 1, (ctx) => {
    const algorithm = ctx.call.args[0] === undefined ? '' : choiceArg(ctx, 0, COMPRESS_ALGORITHMS);
    if (algorithm === undefined) return;
    if (algorithm === 'migrate') {
      ctx.report('config.server_directive', 'error', 'compress migrate is a server setting.', { argIndex: 0, hint: 'Remove it, or use the compress line the server pushes.' });
      return;
    }
    ctx.draft.compression.compress = algorithm;
    delete ctx.draft.compression.compLzo;
    if (algorithm === 'lz4' || algorithm === 'lz4-v2' || algorithm === 'lzo') warnDeprecated(ctx, `compress ${algorithm}`);
  }),
  spec('allow-compression', 1, 1, (ctx) => {
    const mode = choiceArg(ctx, 0, ['no', 'asym', 'yes'] as const);
    if (mode === undefined) return;
    ctx.draft.compression.allowCompression = mode;
    if (mode === 'yes') {
      ctx.report('config.compression_deprecated', 'warning', 'allow-compression yes is read as asym: Postern decompresses what it receives but never compresses.', { argIndex: 0 });
    }
  }),
];
