import type { VpnClient, VpnClientEvents, VpnClientOptions } from '../../core/index';

/**
 * What the tunnel supervisor uses of core's VpnClient: a port, so its unit tests can drive
 * phases, prompts and ends without a server (tunnel-controller.test.ts).
 */
export type ClientPort = Pick<VpnClient, 'start' | 'stop' | 'sendPacket' | 'networkChanged' | 'woke' | 'answerPrompt' | 'cancelPrompt' | 'counters' | 'openPrompt'>;

export type ClientFactory = (options: VpnClientOptions, hooks: VpnClientEvents) => ClientPort;
