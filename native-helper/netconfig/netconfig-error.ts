export type NetconfigErrorCode =
  | 'netconfig.journal_failed'
  | 'netconfig.step_failed'
  | 'netconfig.dns_failed'
  | 'netconfig.gateway_unknown';

/** A failure to configure the OS; plain data, safe to log (no secrets ever get here). */
export interface NetconfigError {
  code: NetconfigErrorCode;
  message: string;
  /** The step that failed (its description) and the command, for step_failed / dns_failed. */
  step?: string;
  argv?: string[];
  stderr?: string;
  /** Undo commands that failed for another reason than "already gone" while rolling back. */
  rollbackFailures?: string[];
}

export function netconfigError(code: NetconfigErrorCode, message: string, extra: Omit<NetconfigError, 'code' | 'message'> = {}): NetconfigError {
  return { code, message, ...extra };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
