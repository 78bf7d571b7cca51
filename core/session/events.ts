import type { DataCipher } from '../data/data-cipher';
import type { TunnelConfig } from '../control/tunnel-config';
import type { ControlMessage } from '../control/classify-control-message';
import type { DropReason, RenegotiationCause, SessionEndCode } from './codes';

/** The phases a connection goes through, in order; `reconnecting` and `disconnected` end an attempt. */
export type SessionPhase =
  | 'resolving'
  | 'connecting'
  | 'tls_handshake'
  | 'authenticating'
  | 'auth_pending'
  | 'pulling_config'
  | 'connected'
  | 'reconnecting'
  | 'disconnected';

export interface PhaseChange {
  phase: SessionPhase;
  /** Milliseconds since the attempt began (process-relative clock). */
  sinceStartMs: number;
  /** Milliseconds spent in the previous phase. */
  previousPhaseMs: number;
  detail?: string;
}

/** Why a session ended. `fatal` ones must not be retried (wrong CA, name mismatch, HALT, auth refused). */
export interface SessionEnd {
  code: SessionEndCode;
  message: string;
  fatal: boolean;
  /** For RESTART with the N flag and AUTH_FAILED,TEMP advance. */
  advance?: 'no' | 'addr' | 'remote';
  /** Seconds to wait before the next attempt, when the server said so. */
  backoffSeconds?: number;
  /** What a person needs beside the code to act on it; the words tables make the sentence. */
  data?: SessionEndData;
}

/**
 * The data of an end, by kind:
 * - `cipher` (ncp.*): the server's data cipher, pushed or from its options string (absent
 *   when it named none), and the profile's data-ciphers and data-ciphers-fallback;
 * - `provider` (data.provider_load_failed): the OpenSSL provider that would not load;
 * - `legacy_cipher` (data.legacy_provider_unavailable): the cipher that needs the legacy provider.
 */
export type SessionEndData =
  | { kind: 'cipher'; serverCipher?: string; dataCiphers: string[]; dataCiphersFallback?: string }
  | { kind: 'provider'; provider: string }
  | { kind: 'legacy_cipher'; cipher: string };

export interface Counters {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  /** Tunnel payload bytes (IP packets) — what the user moved. */
  tunBytesIn: number;
  tunBytesOut: number;
  /** Packets the server sent compressed that we decompressed (allow-compression asym). */
  decompressedPackets: number;
  drops: Partial<Record<DropReason, number>>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log line of a session (the helper keeps them in its SessionLogLine ring buffer). */
export interface SessionLogLine {
  level: LogLevel;
  message: string;
}

/** A renegotiation that completed: the new key (key id `keyId`) is installed and in use. */
export interface Renegotiation {
  keyId: number;
  cause: RenegotiationCause;
  /** From the soft reset (ours sent, or the server's received) to the new key installed. */
  tookMs: number;
}

/** How a session reports to its owner. All calls happen on the event loop, never re-entrantly from send(). */
/** Session.dataKeysView(): the keys newest first, each with its data keys once installed. */
export interface DataKeysView {
  nowMs: number;
  keys: Array<{ keyId: number; data?: { cipher: DataCipher; encryptNotBeforeMs: number; peerSendsWithKey: boolean } }>;
}

export interface SessionEvents {
  onPhase(change: PhaseChange): void;
  onConnected(config: TunnelConfig, details: { cipher: string; keyDerivation: 'tls-ekm' | 'prf'; tlsVersion: string | null }): void;
  onPacket(ipPacket: Buffer): void;
  onLog(log: SessionLogLine): void;
  onEnd(end: SessionEnd): void;
  /** A pushed auth-token (or its renewal): the owner keeps it for reconnects. */
  onAuthToken?(token: NonNullable<TunnelConfig['authToken']>, username: string | undefined): void;
  /** AUTH_PENDING / INFO_PRE / INFO, for the auth flows. */
  onControlMessage?(message: ControlMessage): void;
  /** A renegotiation needs the password that auth-nocache dropped: answer with provideCredentials. */
  onCredentialsNeeded?(): void;
  /** A renegotiation completed (its failure ends the attempt, reported by onEnd). */
  onRenegotiated?(renegotiation: Renegotiation): void;
  /**
   * The data keys changed (one installed, a negotiation begun, keys retired or the session
   * ended): an offloaded data plane reads Session.dataKeysView() again, in the same turn.
   */
  onDataKeysChanged?(): void;
}

export type { TunnelConfig };
