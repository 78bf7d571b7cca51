import {
  KNOWN_DATA_CIPHERS, OPENSSL_PROVIDERS, POSTERN_AUTH_DIGESTS, POSTERN_DATA_CIPHERS, PROFILE_DEFAULTS, SMALL_BLOCK_DATA_CIPHERS, WEAK_DATA_CIPHERS,
  type OpenSslProviderName,
} from '../constants';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';

/**
 * Data-channel cipher settings (protocol.md §13; ovpn:ssl_ncp.c
 * mutate_ncp_cipher_list, ovpn-doc:man-sections/cipher-negotiation.rst).
 */

const KNOWN = new Set<string>(KNOWN_DATA_CIPHERS);

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void): SupportedSpec {
  return { name, category: 'supported', family: 'crypto', minArgs, maxArgs, apply };
}

/** OpenVPN spells ciphers in upper case; profiles often do not (aes-256-gcm). */
function canonicalCipher(name: string): string {
  return name.toUpperCase();
}

/**
 * `data-ciphers A:B:?C`: `?` marks a cipher that may be missing; `DEFAULT` stands for
 * the default list (2.7). Ciphers Postern lacks are left out with a warning, so
 * IV_CIPHERS never announces what we cannot do.
 */
function applyDataCiphers(ctx: DirectiveContext): void {
  const usable: string[] = [];
  for (const entry of (ctx.call.args[0] ?? '').split(':')) {
    if (entry === '') continue;
    const optional = entry.startsWith('?');
    const name = canonicalCipher(optional ? entry.slice(1) : entry);
    if (name === 'DEFAULT') {
      for (const cipher of PROFILE_DEFAULTS.dataCiphers) if (!usable.includes(cipher)) usable.push(cipher);
      continue;
    }
    if (!KNOWN.has(name)) {
      if (!optional) ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${name}" is not a cipher OpenVPN knows.`, { argIndex: 0, hint: 'Use AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305.' });
      continue;
    }
    if (WEAK_DATA_CIPHERS.has(name)) reportWeak(ctx, `${ctx.call.name}: ${name}`, name);
    if (!POSTERN_DATA_CIPHERS.has(name)) {
      if (!optional) ctx.report('config.unsupported_value', 'warning', `${ctx.call.name}: Postern does not implement ${name}; it is left out of the list.`, { argIndex: 0 });
      continue;
    }
    if (!usable.includes(name)) usable.push(name);
  }
  if (usable.length === 0) {
    ctx.report('config.unsupported_value', 'error', `${ctx.call.name} names no cipher Postern implements.`, { argIndex: 0, hint: 'Include AES-256-GCM, AES-128-GCM or CHACHA20-POLY1305.' });
    return;
  }
  ctx.draft.ciphers.dataCiphers = usable;
}

function singleCipher(ctx: DirectiveContext): string | undefined {
  const name = canonicalCipher(ctx.call.args[0] ?? '');
  if (!KNOWN.has(name)) {
    ctx.report('config.bad_value', 'error', `${ctx.call.name}: "${ctx.call.args[0] ?? ''}" is not a cipher OpenVPN knows.`, { argIndex: 0 });
    return undefined;
  }
  if (WEAK_DATA_CIPHERS.has(name)) reportWeak(ctx, `${ctx.call.name} ${name}`, name);
  return name;
}

/** A weak cipher named on the line: 64-bit blocks (SWEET32) say so; none at all is simply unsafe. */
function reportWeak(ctx: DirectiveContext, what: string, name: string): void {
  const message = SMALL_BLOCK_DATA_CIPHERS.has(name)
    ? `${what} has 64-bit blocks, which are weak (SWEET32).`
    : `${what} is not safe to use any more.`;
  ctx.report('config.insecure_setting', 'warning', message, { argIndex: 0, hint: 'Ask the server\'s administrator to move the server to AES-256-GCM.' });
}

const LOADABLE = new Set<string>(OPENSSL_PROVIDERS);

/**
 * `providers legacy default` (2.6+; ovpn:openvpn.c init_early): OpenSSL 3 providers to load
 * before connecting; `legacy` has BF-CBC and CAST5-CBC. Only the providers built into
 * Postern's OpenSSL may be named: any other name is a shared library OpenSSL would load
 * into the root helper (shared/protocol-2.7.md §6).
 */
function applyProviders(ctx: DirectiveContext): void {
  const names: OpenSslProviderName[] = [];
  let refused = false;
  for (const [index, arg] of ctx.call.args.entries()) {
    const name = arg.toLowerCase();
    if (!LOADABLE.has(name)) {
      refused = true;
      const fips = name === 'fips';
      ctx.report('config.bad_value', 'error', fips
        ? 'providers: Postern\'s OpenSSL has no FIPS module to load.'
        : `providers: "${arg}" is not a provider Postern can load; it loads only OpenSSL's built-in ${OPENSSL_PROVIDERS.join(', ')}.`,
      { argIndex: index, hint: fips ? 'Remove fips from the line.' : 'Write providers legacy default.' });
      continue;
    }
    if (!names.includes(name as OpenSslProviderName)) names.push(name as OpenSslProviderName);
  }
  if (!refused) ctx.draft.ciphers.providers = names;
}

export const CRYPTO_DIRECTIVES: readonly DirectiveSpec[] = [
  spec('providers', 1, 16, applyProviders),
  spec('data-ciphers', 1, 1, applyDataCiphers),
  spec('ncp-ciphers', 1, 1, (ctx) => {
    applyDataCiphers(ctx);
    ctx.report('config.directive_ignored', 'info', 'ncp-ciphers is the old name of data-ciphers; it was read as data-ciphers.', { hint: 'Rename it to data-ciphers.' });
  }),
  spec('data-ciphers-fallback', 1, 1, (ctx) => {
    const name = singleCipher(ctx);
    if (name === undefined) return;
    if (!POSTERN_DATA_CIPHERS.has(name)) {
      ctx.report('config.unsupported_value', 'warning', `data-ciphers-fallback: Postern does not implement ${name}, so servers without cipher negotiation cannot be reached.`, { argIndex: 0 });
      return;
    }
    ctx.draft.ciphers.dataCiphersFallback = name;
  }),
  // Since 2.6 `cipher` only tells old servers what we expect (protocol.md §13).
  spec('cipher', 1, 1, (ctx) => {
    const name = singleCipher(ctx);
    if (name !== undefined) ctx.draft.ciphers.cipher = name;
  }),
  spec('auth', 1, 1, (ctx) => {
    const name = (ctx.call.args[0] ?? '').toUpperCase().replace(/^SHA-/, 'SHA');
    if (!POSTERN_AUTH_DIGESTS.has(name)) {
      const weak = name === 'MD5' || name === 'RIPEMD160';
      ctx.report(weak ? 'config.insecure_setting' : 'config.unsupported_value', 'error',
        `auth ${ctx.call.args[0] ?? ''}: Postern implements SHA1, SHA224, SHA256, SHA384 and SHA512.`, { argIndex: 0, hint: 'Use auth SHA256 (on the server too).' });
      return;
    }
    ctx.draft.ciphers.auth = name;
  }),
];
