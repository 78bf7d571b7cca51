// The public API of the profile parser. electron/ may import this file directly
// (style.md §2: the pure parser is its one exception); everyone else goes through core/index.ts.
export { parseProfile, isConnectable } from './parse-profile';
export type { ParseProfileOptions, ParseProfileResult } from './parse-profile';
export { importProfile } from './import-profile';
export type { ImportedProfile, ImportError } from './import-profile';
export { embedFileReferences } from './embed-files';
export { summarizeProfile } from './summarize-profile';
export type { ProfileSummary, SummaryNote } from './summarize-profile';
export { DIRECTIVE_TABLE, countDirectivesByCategory } from './directive-table';
export { DIRECTIVE_CATEGORIES } from './directive-spec';
export type { DirectiveCategory, DirectiveFamily, DirectiveSpec, PolicySpec, SupportedSpec } from './directive-spec';
export { PROBLEM_CODES } from './problems';
export type { ProfileProblem, ProblemCode, Severity } from './problems';
export type { ReadProfileFile } from './directive-context';
export type { FileReference } from './profile-draft';
export { MAX_DIRECTIVES, MAX_LINE_CHARS, MAX_PROBLEMS, MAX_PROFILE_BYTES, PROFILE_DEFAULTS } from './constants';
export type {
  AddressFamily, AuthSettings, CipherSettings, CompressionSettings, HttpProxy, MssfixSetting, PeerInfoSettings,
  Profile, Remote, Route6Spec, RouteSpec, RoutingSettings, TimerSettings, TlsSettings, TlsVersion, TlsWrap, TransportProto,
} from './profile-types';
