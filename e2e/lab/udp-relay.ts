import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * A UDP relay between the in-process client and the lab server, on loopback. It lets a
 * test send garbage or replay captured server packets at the client's real socket, from
 * the address the client is connected to.
 */
export class UdpRelay {
  readonly #front: Socket = createSocket('udp4');
  readonly #back: Socket = createSocket('udp4');
  #client: RemoteInfo | undefined;
  /** Packets the server sent towards the client, in order. */
  readonly fromServer: Buffer[] = [];

  private constructor(private readonly serverIp: string, private readonly serverPort: number) {}

  static async start(serverIp: string, serverPort: number): Promise<UdpRelay> {
    const relay = new UdpRelay(serverIp, serverPort);
    await new Promise<void>((resolve) => relay.#front.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => relay.#back.bind(0, resolve));
    relay.#front.on('message', (packet, from) => {
      relay.#client = from;
      relay.#back.send(packet, relay.serverPort, relay.serverIp);
    });
    relay.#back.on('message', (packet) => {
      relay.fromServer.push(Buffer.from(packet));
      relay.#sendToClient(packet);
    });
    return relay;
  }

  get port(): number {
    return this.#front.address().port;
  }

  /** Sends bytes to the client as if they came from the server. */
  inject(packet: Buffer): void {
    this.#sendToClient(packet);
  }

  close(): void {
    this.#front.close();
    this.#back.close();
  }

  #sendToClient(packet: Buffer): void {
    if (this.#client) this.#front.send(packet, this.#client.port, this.#client.address);
  }
}
