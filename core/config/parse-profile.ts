import { applyDirectives } from './apply-directives';
import { decodeProfileText } from './decode-text';
import type { ReadProfileFile } from './directive-context';
import { finalizeProfile } from './finalize-profile';
import { ProblemList } from './problem-list';
import type { ProfileProblem } from './problems';
import { newProfileDraft } from './profile-draft';
import type { FileReference, WithheldFile } from './profile-draft';
import type { Profile } from './profile-types';
import { readDirectives } from './read-directives';

export interface ParseProfileOptions {
  /**
   * Reads a file the profile refers to, by its normalised path (relative to the profile's
   * folder, or absolute); undefined when it is missing. Without it, every file reference
   * is reported as unreadable.
   */
  readFile?: ReadProfileFile;
  /**
   * Files outside the profile's folder are asked of readFile too, which applies its own rule
   * (file-kinds.ts): the CLI reads them with the user's rights; the app withholds them.
   * Without it they are refused before readFile is asked.
   */
  readsOutside?: boolean;
}

export interface ParseProfileResult {
  /** Undefined only when the input was rejected whole (size limits). */
  profile: Profile | undefined;
  /**
   * The problems found, sorted by line (the same array as profile.problems): at most
   * MAX_PROBLEMS, every error kept before any warning and every warning before any info.
   */
  problems: ProfileProblem[];
  /** How many more problems were found than `problems` holds: counted, never listed. */
  omittedProblems: number;
  /** Files the profile referred to, now inlined in the Profile (for a self-contained copy). */
  inlinedFiles: FileReference[];
  /** Files outside the folder that readFile withheld (see WithheldFile). */
  withheldFiles: WithheldFile[];
}

/**
 * Parses an .ovpn profile. Pure: no I/O except through `readFile`. Never throws
 * on any input; everything wrong with the profile comes back as problems, all of
 * them found, not just the first (and up to MAX_PROBLEMS of them kept, the rest counted).
 */
export function parseProfile(input: string | Buffer, options: ParseProfileOptions = {}): ParseProfileResult {
  const decoded = decodeProfileText(input);
  if (!decoded.ok) return { profile: undefined, problems: [decoded.error], omittedProblems: 0, inlinedFiles: [], withheldFiles: [] };
  const problems = new ProblemList();
  for (const problem of decoded.value.problems) problems.add(problem);
  const read = readDirectives(decoded.value.text, problems);
  if (!read.ok) return { profile: undefined, problems: [...decoded.value.problems, read.error], omittedProblems: 0, inlinedFiles: [], withheldFiles: [] };
  const draft = newProfileDraft();
  const env = { draft, problems, readsOutside: options.readsOutside === true, ...(options.readFile === undefined ? {} : { readFile: options.readFile }) };
  applyDirectives(env, read.value.directives);
  const profile = finalizeProfile(draft, problems);
  return { profile, problems: profile.problems, omittedProblems: problems.omitted, inlinedFiles: draft.fileReferences, withheldFiles: draft.withheldFiles };
}

/** A profile Postern can connect with: parsed, and no problem of severity error. */
export function isConnectable(result: ParseProfileResult): boolean {
  return result.profile !== undefined && !result.problems.some((problem) => problem.severity === 'error');
}
