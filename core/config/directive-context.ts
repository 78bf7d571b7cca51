import { MAX_REFERENCED_FILE_BYTES } from './constants';
import { decodeReferencedText } from './decode-text';
import type { DirectiveCall, DirectiveContext } from './directive-spec';
import type { ProblemList } from './problem-list';
import { makeProblem } from './problems';
import type { ProblemCode, Severity } from './problems';
import { fileKindOf } from './file-kinds';
import type { FileKind } from './file-kinds';
import type { ConnectionDraft, ProfileDraft } from './profile-draft';
import { locateProfilePath } from './profile-paths';

/** A file reference as the reader is asked for it. */
export interface ProfileFileRef {
  directive: string;
  line: number;
  /** Normalised (profile-paths.ts): relative to the profile's folder, or absolute. */
  path: string;
  /** Outside the folder by its spelling (absolute, or `..` past it); the reader adds symlinks pointing out. */
  outside: boolean;
  kind: FileKind;
}

/**
 * Why a file was not had: `missing` (no such file), `denied` (the OS refused the caller),
 * `not_a_file` (a folder, FIFO or device), `no_folder` (a relative name, and the profile came
 * without its folder), `withheld` (outside the folder, and the importer's rule keeps it unread).
 */
export type FileReadFailure = 'missing' | 'denied' | 'not_a_file' | 'no_folder' | 'withheld';

/**
 * Reads a file the profile names: its bytes, or why not (undefined is `missing`). Files
 * outside the profile's folder are asked for only when the parse allows it (readsOutside).
 */
export type ReadProfileFile = (path: string, ref: ProfileFileRef) => Buffer | undefined | { failure: FileReadFailure };

export interface ContextEnv {
  draft: ProfileDraft;
  problems: ProblemList;
  readFile?: ReadProfileFile;
  /** The reader is asked for files outside the folder too (it applies its own rule); otherwise they are refused. */
  readsOutside?: boolean;
}

const SECRET_WITHHELD: Record<string, string> = {
  'auth-user-pass': 'you are asked for the username and password when you connect',
  askpass: 'you are asked for the private key\'s passphrase when you connect',
  'http-proxy': 'you are asked for the proxy\'s username and password when you connect',
  'http-proxy-user-pass': 'the proxy is used without a username and password',
  'socks-proxy': 'you are asked for the SOCKS proxy\'s username and password when you connect',
  'socks-proxy-user-pass': 'the SOCKS proxy is used without a username and password',
};

export function createDirectiveContext(env: ContextEnv, call: DirectiveCall, conn: ConnectionDraft, inConnection: boolean): DirectiveContext {
  const report = (code: ProblemCode, severity: Severity, message: string, options: { argIndex?: number; hint?: string } = {}): void => {
    const column = options.argIndex === undefined ? call.column : call.argColumns[options.argIndex] ?? call.column;
    env.problems.add(makeProblem(code, severity, message, { line: call.line, column },
      options.hint === undefined ? { directive: call.name } : { directive: call.name, hint: options.hint }));
  };
  const readBytes = (argIndex: number): { path: string; bytes: Buffer } | undefined => {
    const raw = call.args[argIndex];
    if (raw === undefined) return undefined;
    const located = locateProfilePath(raw);
    const inlineHint = `Put the file beside the profile, or paste its content between <${call.name}> and </${call.name}>.`;
    if (!located.ok || (located.value.outside && env.readsOutside !== true)) {
      const why = !located.ok ? (located.error === 'empty' ? 'is empty' : 'is a home-folder or Windows path')
        : located.value.path.startsWith('/') ? 'is an absolute path' : 'leaves the profile\'s folder';
      report('config.path_escapes_profile', 'error', `${call.name}: the file "${raw}" ${why}; only files in the profile's own folder are read.`, { argIndex, hint: inlineHint });
      return undefined;
    }
    const ref: ProfileFileRef = { directive: call.name, line: call.line, path: located.value.path, outside: located.value.outside, kind: fileKindOf(call.name) };
    let read: Buffer | undefined | { failure: FileReadFailure };
    try {
      read = env.readFile === undefined ? { failure: 'no_folder' } : env.readFile(ref.path, ref);
    } catch {
      read = undefined; // a failing reader is a missing file, never a crash
    }
    if (read === undefined || !Buffer.isBuffer(read)) {
      const failure = read === undefined ? 'missing' : read.failure;
      if (failure === 'withheld') {
        env.draft.withheldFiles.push({ directive: call.name, args: [...call.args], line: call.line, path: ref.path, kind: ref.kind });
        if (ref.kind === 'secret') {
          report('config.secret_file_not_read', 'warning', `${call.name}: the file "${raw}" is outside the profile's folder and holds a secret, so Postern does not read it; ${SECRET_WITHHELD[call.name] ?? 'it is left out'}.`, { argIndex });
        }
        return undefined;
      }
      const where = failure === 'missing' ? (ref.outside ? 'does not exist' : 'was not found beside the profile')
        : failure === 'denied' ? 'cannot be read: permission denied'
          : failure === 'not_a_file' ? 'is not a regular file'
            : 'cannot be read: the profile was given without its folder';
      const code = failure === 'denied' || failure === 'not_a_file' ? 'config.file_unreadable' : 'config.file_not_found';
      report(code, 'error', `${call.name}: the file "${raw}" ${where}.`, { argIndex, hint: inlineHint });
      return undefined;
    }
    const bytes = read;
    if (bytes.length > MAX_REFERENCED_FILE_BYTES) {
      report('config.file_too_large', 'error', `${call.name}: the file "${raw}" is larger than ${MAX_REFERENCED_FILE_BYTES} bytes, and is not read.`, { argIndex });
      return undefined;
    }
    return { path: ref.path, bytes };
  };
  const remember = (path: string, content: string): void => {
    env.draft.fileReferences.push({ directive: call.name, args: [...call.args], line: call.line, path, content });
  };
  return {
    call,
    draft: env.draft,
    conn,
    inConnection,
    report,
    fileText(argIndex) {
      if (call.inline !== undefined) return call.inline;
      const file = readBytes(argIndex);
      if (file === undefined) return undefined;
      const text = decodeReferencedText(file.bytes);
      remember(file.path, text);
      return text;
    },
    fileBase64(argIndex) {
      if (call.inline !== undefined) return call.inline.replace(/\s+/g, '');
      const file = readBytes(argIndex);
      if (file === undefined) return undefined;
      const base64 = file.bytes.toString('base64');
      remember(file.path, base64);
      return base64;
    },
  };
}
