// The public API of core. Nothing outside core imports deeper than this file
// (electron/ may also import core/config, the pure profile parser).
export { Secret } from './wire/secret';
export { ProtocolError, BugError } from './wire/errors';
export type { Result } from './wire/result';
export {
  parseProfile, isConnectable, summarizeProfile, embedFileReferences,
  DIRECTIVE_TABLE, DIRECTIVE_CATEGORIES, countDirectivesByCategory, PROBLEM_CODES,
} from './config/index';
export type {
  Profile, ProfileProblem, ProblemCode, Severity, ParseProfileOptions, ParseProfileResult,
  ProfileSummary, SummaryCaution, SummaryNote, DirectiveCategory, DirectiveSpec, Remote, TlsWrap, HttpProxy, SocksProxy,
} from './config/index';

// The connection itself, for the helper: the client, its options from a profile, and what it reports.
export { VpnClient, clientOptionsFromProfile, importProfile } from './client/index';
export type { VpnClientOptions, VpnClientEvents, ConnectedInfo, ClientPhaseChange, DataOffloadView, ClientInputs, ClientOptionsError, ImportedProfile, ImportError } from './client/index';
export type { Link, LinkReconnectCause, LinkSinks, RelayAnnouncer, UdpLinkOpener } from './transport/index';
export { isSourceLost } from './transport/index';
export { nodeCryptoAead } from './data/aead-provider';
export type { AeadAlgorithm, AeadKey, AeadProvider } from './data/aead-provider';
export type { AeadCipherFactory, DataCipher, DataDrop } from './data/data-cipher';
export type { AeadSuite } from './data/cipher-suites';
export { AEAD_SUITES } from './data/cipher-suites';
export { AeadCipher } from './data/aead-cipher';
export { createDataCipher } from './data/data-cipher';
export { PACKET_ID_RENEGOTIATE_AT, PING_MAGIC, OCC_MAGIC } from './data/constants';
export { encodeCompressionFraming, decodeCompressionFraming } from './data/compression';
export type { DataKeys } from './keys/key-derivation';
export type { CryptoProviderLoader, OpenSslProviderName } from './data/crypto-providers';
export { OPENSSL_PROVIDERS } from './config/constants';
export type { Credentials } from './session/session-settings';
export type { AuthPrompt, AuthPromptKind, AuthAnswer, AuthAnswerError, PromptClosedReason, AuthPolicy } from './auth/index';
export type { PhaseChange, SessionPhase, SessionEnd, SessionEndData, SessionLogLine, LogLevel, Counters, Renegotiation, DataKeysView } from './session/events';
export type { DataPathSettings } from './session/data-path';
export { SESSION_END_CODES, DROP_REASONS, RENEGOTIATION_CAUSES, udpDropReason } from './session/codes';
export type { SessionEndCode, DropReason, RenegotiationCause } from './session/codes';
export type { AuthFailure } from './control/classify-control-message';
export { emptyTunnelConfig } from './control/tunnel-config-types';
export type {
  TunnelConfig, Topology, PushedRoute, PushedRouteIpv6, RedirectGateway, DnsConfig, DnsServerOption,
} from './control/tunnel-config-types';
