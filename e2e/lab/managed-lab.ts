import assert from 'node:assert/strict';
import { startLab } from './lab';
import type { Lab } from './lab';
import type { ManagementClient, ManagementEvent } from './management';

export type ClientEvent = Extract<ManagementEvent, { kind: 'client' }>;

export interface ManagedLab {
  lab: Lab;
  management: ManagementClient;
  /** The next CLIENT:<type> (CONNECT, REAUTH, CR_RESPONSE…) the server asks management about, after the last one returned. */
  nextClientEvent(type: string): Promise<ClientEvent>;
}

/**
 * A lab whose server asks the management interface about every client
 * (management-client-auth), connected and ready: the sign-in tests answer through it.
 * The caller stops `lab` (after its own clients).
 */
export async function startManagedLab(serverConfig: readonly string[] = []): Promise<ManagedLab> {
  const lab = await startLab({ proto: 'udp', managementClientAuth: true, serverConfig });
  const management = lab.management;
  assert.ok(management, 'managementClientAuth gives the lab a management client');
  await management.ready;
  let seen = management.events.length;
  return {
    lab, management,
    nextClientEvent: async (type) => {
      const event = await management.waitForClientEvent(type, 15_000, seen);
      seen = management.events.indexOf(event) + 1;
      return event;
    },
  };
}
