import type { TunnelConfig } from '../control/tunnel-config';

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
  code: string;
  message: string;
  fatal: boolean;
  /** For RESTART with the N flag and AUTH_FAILED,TEMP advance. */
  advance?: 'no' | 'addr' | 'remote';
  /** Seconds to wait before the next attempt, when the server said so. */
  backoffSeconds?: number;
}

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
  drops: Record<string, number>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SessionLog {
  level: LogLevel;
  message: string;
}

export type { TunnelConfig };
