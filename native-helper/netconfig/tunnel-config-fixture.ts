import { emptyTunnelConfig } from '../../core/index';
import type { TunnelConfig } from '../../core/index';

/** Test-only: a TunnelConfig with nothing pushed, plus the overrides a test needs. */
export function tunnelConfigFixture(overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return { ...emptyTunnelConfig(), ...overrides };
}
