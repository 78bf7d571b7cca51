import type { TestContext } from 'node:test';
import type { Lab } from './lab';
import { connectLabClient } from './lab-client';
import type { SessionEnd } from '../../core/session/events';
import { posternConnectsAndPings, referenceConnectsAndPings } from './generation-matrix';

/** PUSH_REQUESTs the server got since `fromOffset` of its log, and whether its PUSH_REPLY went out before the first of them. */
export function pushRequestsSince(lab: Lab, fromOffset: number): { count: number; replyFirst: boolean } {
  const log = lab.serverLog().slice(fromOffset);
  const request = log.indexOf('\'PUSH_REQUEST\'');
  const reply = log.indexOf('SENT CONTROL');
  return { count: log.match(/Received control message: 'PUSH_REQUEST'/g)?.length ?? 0, replyFirst: reply !== -1 && (request === -1 || reply < request) };
}

/**
 * `rounds` connects of Postern and of the Debian 2.6 client, alternating, each pinging
 * through; reports the connect times side by side and how many PUSH_REQUESTs the server
 * got from Postern each time (and whether its PUSH_REPLY came first: unsolicited).
 */
export async function compareConnects(t: TestContext, lab: Lab, rounds: number, postern: Parameters<typeof posternConnectsAndPings>[1], reference: readonly string[]): Promise<{ postern: number[]; reference: number[] }> {
  const times = { postern: [] as number[], reference: [] as number[] };
  const requests: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const offset = lab.serverLog().length;
    const result = await posternConnectsAndPings(lab, postern);
    const seen = pushRequestsSince(lab, offset);
    times.postern.push(Math.round(result.connectMs));
    requests.push(`${seen.count}${seen.replyFirst ? ' (reply first)' : ''}`);
    times.reference.push(Math.round(await referenceConnectsAndPings(lab, reference)));
  }
  t.diagnostic(`connect ms against ${lab.serverVersion}: Postern ${times.postern.join(', ')}; openvpn 2.6 ${times.reference.join(', ')}; `
    + `PUSH_REQUESTs the server got from Postern per connect: ${requests.join(', ')}`);
  return times;
}

/** How a core client's connect attempt ended, when it must not connect; fails if it did. */
export async function failedEnd(lab: Lab, options: Parameters<typeof connectLabClient>[1]): Promise<SessionEnd> {
  try {
    const client = await connectLabClient(lab, { connectTimeoutMs: 15_000, ...options });
    await client.stop();
  } catch (error) {
    const end = (error as { end?: SessionEnd }).end;
    if (end) return end;
    throw error;
  }
  throw new Error('connected, but it should not have');
}
