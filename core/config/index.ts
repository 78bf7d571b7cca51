// config/: the pure profile parser (bytes in, Profile and problems out); no I/O: reading a profile
// and the files it names from disk is client/import-profile.ts. Imports only wire/. electron/ may import
// this file directly (style.md §2: the pure parser is its one exception); everyone else goes through core/index.ts.
export { parseProfile, isConnectable } from './parse-profile';
export type { ParseProfileOptions, ParseProfileResult } from './parse-profile';
export { embedFileReferences } from './embed-files';
export { summarizeProfile } from './summarize-profile';
export type { ProfileSummary, SummaryCaution, SummaryNote } from './summarize-profile';
export { DIRECTIVE_TABLE, countDirectivesByCategory } from './directive-table';
export { DIRECTIVE_CATEGORIES } from './directive-spec';
export type { DirectiveCategory, DirectiveFamily, DirectiveSpec, PolicySpec, SupportedSpec } from './directive-spec';
export { PROBLEM_CODES } from './problems';
export type { ProfileProblem, ProblemCode, Severity } from './problems';
export type { FileReadFailure, ProfileFileRef, ReadProfileFile } from './directive-context';
export type { FileReference, WithheldFile } from './profile-draft';
export { CERTIFICATE_FILE_DIRECTIVES, SECRET_FILE_DIRECTIVES, fileKindOf } from './file-kinds';
export type { FileKind } from './file-kinds';
export { locateProfilePath } from './profile-paths';
export type { ProfilePath } from './profile-paths';
export { MAX_DIRECTIVES, MAX_LINE_CHARS, MAX_PROBLEMS, MAX_PROFILE_BYTES, MAX_REFERENCED_FILE_BYTES, PROFILE_DEFAULTS } from './constants';
export type {
  AddressFamily, AuthSettings, DeviceType, CipherSettings, CompressionSettings, HttpProxy, SocksProxy, MssfixSetting, PeerInfoSettings,
  Profile, Remote, Route6Spec, RouteSpec, RoutingSettings, TimerSettings, TlsSettings, TlsVersion, TlsWrap, TransportProto,
} from './profile-types';
