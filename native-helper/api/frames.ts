/**
 * Frames on the helper socket: a u32 big-endian length, then that many bytes of UTF-8
 * JSON. One frame is one message. Larger frames are refused before they are buffered.
 *
 *   | length (4) | JSON (length bytes) | length (4) | JSON … |
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
const LENGTH_BYTES = 4;

export type FrameProblem = 'ipc.frame_too_large' | 'ipc.bad_frame';

export function encodeFrame(message: unknown): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(message));
  const frame = new Uint8Array(LENGTH_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, LENGTH_BYTES);
  return frame;
}

/**
 * Reassembles frames from stream chunks. A frame that is too large or is not JSON is
 * reported; too large means the stream is unusable (the caller closes the connection).
 */
export class FrameDecoder {
  #buffer = new Uint8Array(0);
  #broken = false;

  constructor(private readonly onMessage: (message: unknown) => void, private readonly onProblem: (problem: FrameProblem) => void) {}

  push(chunk: Uint8Array): void {
    if (this.#broken) return;
    const merged = new Uint8Array(this.#buffer.length + chunk.length);
    merged.set(this.#buffer);
    merged.set(chunk, this.#buffer.length);
    let offset = 0;
    while (merged.length - offset >= LENGTH_BYTES) {
      const length = new DataView(merged.buffer, merged.byteOffset + offset).getUint32(0);
      if (length > MAX_FRAME_BYTES) {
        this.#broken = true;
        this.onProblem('ipc.frame_too_large');
        return;
      }
      if (merged.length - offset - LENGTH_BYTES < length) break;
      const body = merged.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length);
      offset += LENGTH_BYTES + length;
      let message: unknown;
      try {
        message = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch {
        this.onProblem('ipc.bad_frame');
        continue;
      }
      this.onMessage(message);
    }
    this.#buffer = merged.slice(offset);
  }
}
