import { MAX_REFERENCED_FILE_BYTES } from './constants';
import { decodeReferencedText } from './decode-text';
import type { DirectiveCall, DirectiveContext } from './directive-spec';
import type { ProblemList } from './problem-list';
import { makeProblem } from './problems';
import type { ProblemCode, Severity } from './problems';
import type { ConnectionDraft, ProfileDraft } from './profile-draft';
import { normalizeProfilePath } from './profile-paths';

/** Reads a file relative to the profile's folder; undefined when it does not exist. */
export type ReadProfileFile = (relativePath: string) => Buffer | undefined;

export interface ContextEnv {
  draft: ProfileDraft;
  problems: ProblemList;
  readFile?: ReadProfileFile;
}

export function createDirectiveContext(env: ContextEnv, call: DirectiveCall, conn: ConnectionDraft, inConnection: boolean): DirectiveContext {
  const report = (code: ProblemCode, severity: Severity, message: string, options: { argIndex?: number; hint?: string } = {}): void => {
    const column = options.argIndex === undefined ? call.column : call.argColumns[options.argIndex] ?? call.column;
    env.problems.add(makeProblem(code, severity, message, { line: call.line, column },
      options.hint === undefined ? { directive: call.name } : { directive: call.name, hint: options.hint }));
  };
  const readBytes = (argIndex: number): { path: string; bytes: Buffer } | undefined => {
    const raw = call.args[argIndex];
    if (raw === undefined) return undefined;
    const path = normalizeProfilePath(raw);
    const inlineHint = `Put the file beside the profile, or paste its content between <${call.name}> and </${call.name}>.`;
    if (!path.ok) {
      const why = path.error === 'absolute' ? 'is an absolute path' : path.error === 'escapes' ? 'leaves the profile\'s folder' : 'is empty';
      report('config.path_escapes_profile', 'error', `${call.name}: the file "${raw}" ${why}; only files in the profile's own folder are read.`, { argIndex, hint: inlineHint });
      return undefined;
    }
    let bytes: Buffer | undefined;
    try {
      bytes = env.readFile?.(path.value);
    } catch {
      bytes = undefined; // a failing reader is a missing file, never a crash
    }
    if (bytes === undefined) {
      const where = env.readFile ? 'was not found beside the profile' : 'cannot be read: the profile was given without its folder';
      report('config.file_not_found', 'error', `${call.name}: the file "${raw}" ${where}.`, { argIndex, hint: inlineHint });
      return undefined;
    }
    if (bytes.length > MAX_REFERENCED_FILE_BYTES) {
      report('config.file_too_large', 'error', `${call.name}: the file "${raw}" is larger than ${MAX_REFERENCED_FILE_BYTES} bytes, and is not read.`, { argIndex });
      return undefined;
    }
    return { path: path.value, bytes };
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
