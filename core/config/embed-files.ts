import { decodeProfileText } from './decode-text';
import type { FileReference, WithheldFile } from './profile-draft';

/**
 * The profile's text with every file reference replaced by an inline block, so
 * the stored copy needs nothing beside it. `tls-auth ta.key 1` becomes the block
 * plus `key-direction 1`; `http-proxy H P creds.txt` becomes `http-proxy H P`
 * plus an <http-proxy-user-pass> block (the proxy auth method falls back to
 * basic, the only one such a file is used with in practice); `socks-proxy H P creds.txt`
 * becomes `socks-proxy H P` plus a <socks-proxy-user-pass> block.
 *
 * A withheld secret loses its file name (`auth-user-pass /x/creds.txt` becomes
 * `auth-user-pass`: asked at connect). A withheld certificate cannot be stored without
 * its content: then there is no self-contained text (undefined).
 */
export function embedFileReferences(input: string | Buffer, files: readonly FileReference[], withheld: readonly WithheldFile[] = []): string | undefined {
  if (withheld.some((file) => file.kind === 'certificate')) return undefined;
  const decoded = decodeProfileText(input);
  if (!decoded.ok) return undefined;
  const lines = decoded.value.text.split('\n');
  const byLine = new Map<number, string[]>();
  for (const file of files) byLine.set(file.line, inlineForm(file));
  for (const file of withheld) byLine.set(file.line, withoutFile(file));
  return lines.map((line, index) => {
    const replacement = byLine.get(index + 1);
    if (replacement === undefined) return line;
    const eol = line.endsWith('\r') ? '\r' : '';
    return replacement.map((l) => l + eol).join('\n');
  }).join('\n');
}

function withoutFile(file: WithheldFile): string[] {
  const [first, second] = file.args;
  switch (file.directive) {
    // `stdin`: OpenVPN's own word for "ask for the proxy's credentials", which is what Postern does at connect.
    case 'http-proxy':
      return [`http-proxy ${[first ?? '', second ?? '', 'stdin', ...file.args.slice(3)].join(' ')}`];
    case 'socks-proxy':
      return [`socks-proxy ${first ?? ''} ${second ?? ''} stdin`];
    case 'http-proxy-user-pass':
    case 'socks-proxy-user-pass':
      return [''];
    default:
      return [file.directive];
  }
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
