import type { VpnClient, VpnClientEvents, VpnClientOptions } from '../../core/index';

/**
 * What the tunnel supervisor uses of core's VpnClient: a port, so its unit tests can drive
 * phases, prompts and ends without a server (tunnel-controller.test.ts).
 */
export type ClientPort = Pick<VpnClient, 'start' | 'stop' | 'sendPacket' | 'networkChanged' | 'woke' | 'answerPrompt' | 'cancelPrompt' | 'counters' | 'openPrompt'>
  /** Absent on stand-ins: the data path then stays in core. */
  & Partial<Pick<VpnClient, 'dataOffload'>>;

export type ClientFactory = (options: VpnClientOptions, hooks: VpnClientEvents) => ClientPort;
