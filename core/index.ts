// The public API of core. Nothing outside core imports deeper than this file
// (electron/ may also import core/config, the pure profile parser).
export { Secret } from './wire/secret';
export { ProtocolError, BugError } from './wire/errors';
export type { Result } from './wire/result';
export {
  parseProfile, isConnectable, importProfile, summarizeProfile, embedFileReferences,
  DIRECTIVE_TABLE, DIRECTIVE_CATEGORIES, countDirectivesByCategory, PROBLEM_CODES,
} from './config/index';
export type {
  Profile, ProfileProblem, ProblemCode, Severity, ParseProfileOptions, ParseProfileResult, ImportedProfile, ImportError,
  ProfileSummary, SummaryNote, DirectiveCategory, DirectiveSpec, Remote, TlsWrap, HttpProxy,
} from './config/index';
