import { Duplex } from 'node:stream';
import { connect, type TLSSocket, type SecureContextOptions } from 'node:tls';
import { checkPeerCertificate, type PeerCheck } from './peer-verification';
import { TlsError, classifyTlsFailure } from './tls-error';
import { TLS_CHANNEL_BUF_SIZE } from './constants';
import { BugError } from '../wire/errors';

/** Everything node:tls needs to act as the OpenVPN TLS client (OpenSSL does the TLS). */
export interface TlsClientSettings {
  secureContext: SecureContextOptions;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  peerCheck: PeerCheck;
  /** No CA: the server is verified by `peerCheck.peerFingerprints` alone. */
  fingerprintOnly?: boolean;
}

export interface TlsChannelSinks {
  /** TLS ciphertext for the reliable layer, in order. */
  sendCiphertext(bytes: Buffer): void;
  /** Handshake finished and the server certificate passed every check. */
  onSecure(): void;
  /** Decrypted control-channel bytes from the server. */
  onPlaintext(bytes: Buffer): void;
  /** The TLS session failed; the key state it belongs to is dead. */
  onError(error: TlsError): void;
}

/**
 * One TLS client session over the reliable control channel of one key_id. Each key_id
 * gets a new, independent TLS session (protocol.md §4). There is no socket here: a Duplex
 * carries ciphertext between node:tls and the reliable layer.
 */
export class TlsChannel {
  readonly #link: Duplex;
  readonly #tls: TLSSocket;
  readonly #sinks: TlsChannelSinks;
  readonly #pendingMessages: Array<{ message: Buffer; onWritten?: () => void }> = [];
  #writing = false;
  #dead = false;

  constructor(settings: TlsClientSettings, sinks: TlsChannelSinks) {
    this.#sinks = sinks;
    this.#link = new Duplex({
      read() { /* ciphertext is pushed by receiveCiphertext */ },
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.#dead) sinks.sendCiphertext(chunk);
        done();
      },
    });
    this.#tls = connect({
      socket: this.#link,
      ...settings.secureContext,
      minVersion: settings.minVersion ?? 'TLSv1.2',
      maxVersion: settings.maxVersion,
      // With peer-fingerprint and no CA (OpenVPN 2.6's self-signed mode) the chain is not
      // checked by OpenSSL; the fingerprint check after the handshake is the verification.
      rejectUnauthorized: !settings.fingerprintOnly,
      // OpenVPN never checks the server's host name (protocol.md §4); verify-x509-name does that job.
      checkServerIdentity: () => undefined,
      // No SNI: the 2.x server does not expect one.
      servername: '',
    });
    this.#tls.on('secureConnect', () => this.#onSecureConnect(settings.peerCheck));
    this.#tls.on('data', (bytes: Buffer) => { if (!this.#dead) sinks.onPlaintext(bytes); });
    this.#tls.on('error', (error: Error) => this.#fail(classifyTlsFailure(error)));
  }

  /** Ciphertext from the reliable layer, delivered in message-id order. */
  receiveCiphertext(bytes: Buffer): void {
    if (!this.#dead) this.#link.push(bytes);
  }

  /**
   * Sends one control message as exactly one TLS record. Writes are serialised because
   * node:tls would otherwise coalesce queued writes into one record.
   */
  writeMessage(message: Buffer, onWritten?: () => void): void {
    if (message.length > TLS_CHANNEL_BUF_SIZE) {
      throw new BugError(`control message of ${message.length} bytes exceeds one TLS record of ${TLS_CHANNEL_BUF_SIZE}`);
    }
    if (this.#dead) return;
    this.#pendingMessages.push({ message, onWritten });
    this.#drainWrites();
  }

  /** RFC 5705 exporter with no context, as OpenVPN calls it (protocol.md §6). */
  exportKeyingMaterial(lengthBytes: number, label: string): Buffer {
    // Calling without the context argument is what gives use_context=0 in OpenSSL;
    // an empty Buffer would differ under TLS 1.2. Node's typings insist on a context.
    const exportWithoutContext = this.#tls.exportKeyingMaterial as (length: number, label: string) => Buffer;
    return exportWithoutContext.call(this.#tls, lengthBytes, label);
  }

  get protocolVersion(): string | null {
    return this.#tls.getProtocol();
  }

  get cipherName(): string | undefined {
    return this.#tls.getCipher()?.standardName;
  }

  destroy(): void {
    this.#dead = true;
    this.#tls.destroy();
    this.#link.destroy();
  }

  #drainWrites(): void {
    if (this.#writing || this.#dead) return;
    const next = this.#pendingMessages.shift();
    if (!next) return;
    this.#writing = true;
    this.#tls.write(next.message, () => {
      this.#writing = false;
      // By now the record's ciphertext went through sendCiphertext.
      next.onWritten?.();
      this.#drainWrites();
    });
  }

  #onSecureConnect(peerCheck: PeerCheck): void {
    const leaf = this.#tls.getPeerX509Certificate();
    if (!leaf) {
      this.#fail(new TlsError('tls.no_peer_certificate', 'The server sent no certificate.', true));
      return;
    }
    const failure = checkPeerCertificate(leaf, peerCheck);
    if (failure) {
      this.#fail(new TlsError(failure.code, failure.message, true));
      return;
    }
    this.#sinks.onSecure();
  }

  #fail(error: TlsError): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#sinks.onError(error);
    this.#tls.destroy();
    this.#link.destroy();
  }
}
