import { decodeProfileText } from './decode-text';
import type { FileReference } from './profile-draft';

/**
 * The profile's text with every file reference replaced by an inline block, so
 * the stored copy needs nothing beside it. `tls-auth ta.key 1` becomes the block
 * plus `key-direction 1`; `http-proxy H P creds.txt` becomes `http-proxy H P`
 * plus an <http-proxy-user-pass> block (the proxy auth method falls back to
 * basic, the only one such a file is used with in practice); `socks-proxy H P creds.txt`
 * becomes `socks-proxy H P` plus a <socks-proxy-user-pass> block.
 */
export function embedFileReferences(input: string | Buffer, files: readonly FileReference[]): string | undefined {
  const decoded = decodeProfileText(input);
  if (!decoded.ok) return undefined;
  const lines = decoded.value.text.split('\n');
  const byLine = new Map<number, FileReference>();
  for (const file of files) byLine.set(file.line, file);
  return lines.map((line, index) => {
    const file = byLine.get(index + 1);
    if (file === undefined) return line;
    const eol = line.endsWith('\r') ? '\r' : '';
    return inlineForm(file).map((l) => l + eol).join('\n');
  }).join('\n');
}

function inlineForm(file: FileReference): string[] {
  const content = file.directive === 'pkcs12' ? wrapBase64(file.content) : file.content;
  const block = (tag: string): string[] => [`<${tag}>`, ...withoutFinalNewline(content).split('\n'), `</${tag}>`];
  const [first, second] = file.args;
  switch (file.directive) {
    case 'tls-auth':
      return second === undefined ? block('tls-auth') : [...block('tls-auth'), `key-direction ${second}`];
    case 'http-proxy':
      return [`http-proxy ${first ?? ''} ${second ?? ''}`, ...block('http-proxy-user-pass')];
    // OpenVPN has no inline form of socks-proxy's authfile: <socks-proxy-user-pass> is Postern's own.
    case 'socks-proxy':
      return [`socks-proxy ${first ?? ''} ${second ?? ''}`, ...block('socks-proxy-user-pass')];
    default:
      return block(file.directive);
  }
}

function withoutFinalNewline(text: string): string {
  const unix = text.replace(/\r\n/g, '\n');
  return unix.endsWith('\n') ? unix.slice(0, -1) : unix;
}

function wrapBase64(base64: string): string {
  return base64.replace(/(.{64})/g, '$1\n');
}
