import { encodeCompressionFraming, decodeCompressionFraming, type CompressionFraming } from '../data/compression';
import { readDataKeyId } from '../data/data-header';
import { PING_PAYLOAD, isPing, isOccExit } from '../data/ping-occ';
import { clampTcpMss, clampTcpMssInFrame } from '../data/mss-clamp';
import { mssLimit } from '../data/mss-limit';
import type { TunnelConfig } from '../control/tunnel-config';
import type { KeyNegotiation } from './key-negotiation';
import { selectEncryptionKey } from './key-selection';
import { pushedEpochFormat } from './key-exchange';
import type { SessionSettings } from './session-settings';
import type { DropReason } from './codes';

/** What an offloaded data plane needs to treat packets as DataPath does. */
export interface DataPathSettings {
  cipher: string;
  framing: CompressionFraming;
  /** The server may send compressed packets and we would decompress them. */
  allowDecompression: boolean;
  peerId: number | undefined;
  maxMss: number | undefined;
  device: 'tun' | 'tap';
  transport: 'udp' | 'tcp';
  /** 2.7's epoch data format. */
  epochFormat: boolean;
  /** `reneg-bytes` from the profile: counted per key by DataPath (a plane that does not count bytes per key must not take it). */
  renegotiateBytes: number | undefined;
}

export interface DataPathSinks {
  sendRaw(packet: Buffer): void;
  deliver(ipPacket: Buffer): void;
  drop(reason: DropReason): void;
  onOccExit(): void;
  onDecompressed(): void;
}

/**
 * The hot path: IP packet ⇄ compression framing ⇄ data-channel cipher. Synchronous,
 * no promises or events per packet (style.md §3). Keys come from the session, newest first.
 */
export class DataPath {
  #framing: CompressionFraming;
  #allowDecompression: boolean;
  #peerId: number | undefined;
  /** mssfix: the TCP MSS that still fits one outer packet; undefined when off. */
  #maxMss: number | undefined;
  #epochFormat = false;
  /** tun: the data channel carries IP packets; tap: Ethernet frames, whose IP packet mssfix finds past the header. */
  readonly #clamp: (packet: Uint8Array, maxMss: number) => boolean;

  constructor(private readonly settings: SessionSettings, private readonly sinks: DataPathSinks) {
    this.#framing = settings.compression;
    this.#allowDecompression = settings.allowDecompression;
    this.#clamp = settings.device === 'tap' ? clampTcpMssInFrame : clampTcpMss;
  }

  /** Pushed compression, peer-id and the negotiated cipher apply from the first data packet on. */
  configure(config: TunnelConfig, cipher: string): void {
    if (config.compression) {
      this.#framing = config.compression.framing;
      // A server that pushes real compression may send compressed packets; asymmetric:
      // we decompress when allowed, and never compress ourselves (protocol.md §8).
    }
    this.#peerId = config.peerId;
    this.#epochFormat = pushedEpochFormat(config);
    const { mssfix, auth, transport, outerFamily, device } = this.settings;
    this.#maxMss = mssfix && mssLimit({
      mssfix, cipher, auth, peerId: config.peerId !== undefined, epochFormat: pushedEpochFormat(config), compression: this.#framing, transport, family: outerFamily ?? 4, device,
    });
  }

  offloadSettings(cipher: string): DataPathSettings {
    return {
      cipher, framing: this.#framing, allowDecompression: this.#allowDecompression, peerId: this.#peerId, maxMss: this.#maxMss,
      device: this.settings.device ?? 'tun', transport: this.settings.transport, epochFormat: this.#epochFormat,
      renegotiateBytes: this.settings.timers.renegotiateBytes,
    };
  }

  /** A message a data plane decrypted and unframed but does not handle itself (OCC). */
  receivePlaintext(plain: Buffer): void {
    if (isOccExit(plain)) this.sinks.onOccExit();
  }

  /** The TCP MSS in use by mssfix (for the log), undefined when off. */
  get maxMss(): number | undefined {
    return this.#maxMss;
  }

  /** Returns false when the packet was dropped. */
  send(ipPacket: Buffer, keys: readonly KeyNegotiation[], nowMs: number): boolean {
    // Both directions, as 2.x does: the SYN leaving and the SYN-ACK coming back.
    if (this.#maxMss !== undefined) this.#clamp(ipPacket, this.#maxMss);
    return this.sendPlaintext(ipPacket, keys, nowMs);
  }

  sendPing(keys: readonly KeyNegotiation[], nowMs: number): void {
    this.sendPlaintext(PING_PAYLOAD, keys, nowMs);
  }

  /** Sends any data-channel plaintext (an IP packet, a ping, an OCC message). */
  sendPlaintext(plain: Buffer, keys: readonly KeyNegotiation[], nowMs: number): boolean {
    const key = selectEncryptionKey(keys, nowMs);
    const data = key?.dataKeys;
    if (!key || !data) {
      this.sinks.drop('data.no_send_key');
      return false;
    }
    const framed = encodeCompressionFraming(this.#framing, plain);
    const packet = data.cipher.encrypt(framed, key.keyId, this.#peerId);
    data.bytes += packet.length;
    this.sinks.sendRaw(packet);
    return true;
  }

  /** Returns the delivered IP packet's length, 0 for a ping, or undefined for a drop. */
  receive(packet: Buffer, keys: readonly KeyNegotiation[], _nowMs: number): number | undefined {
    const keyId = readDataKeyId(packet);
    const data = keys.find((k) => k.keyId === keyId)?.dataKeys;
    if (!data) {
      this.sinks.drop('data.unknown_key_id');
      return undefined;
    }
    const plain = data.cipher.decrypt(packet);
    if (!plain.ok) {
      this.sinks.drop(plain.error);
      return undefined;
    }
    data.peerSendsWithKey = true;
    data.bytes += packet.length;
    const unframed = decodeCompressionFraming(this.#framing, plain.value, { allowDecompression: this.#allowDecompression });
    if (!unframed.ok) {
      this.sinks.drop(unframed.error);
      return undefined;
    }
    const ip = unframed.value;
    if (ip.length > plain.value.length) this.sinks.onDecompressed();
    if (isPing(ip)) return 0;
    if (isOccExit(ip)) {
      this.sinks.onOccExit();
      return 0;
    }
    if (ip.length === 0) return 0;
    if (this.#maxMss !== undefined) this.#clamp(ip, this.#maxMss);
    this.sinks.deliver(ip);
    return ip.length;
  }
}
