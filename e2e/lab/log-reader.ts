import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * The text of a growing log file, read incrementally: each call reads only the bytes
 * appended since the last one (a verb-4 server log is re-checked on every write, so
 * re-reading it whole would cost O(n²)). A file that shrank (truncated, recreated) is
 * read again from the start.
 */
export function logReader(file: string): () => string {
  let text = '';
  let position = 0;
  let decoder = new StringDecoder('utf8');
  const chunk = Buffer.alloc(64 * 1024);
  return () => {
    if (!existsSync(file)) return text;
    const fd = openSync(file, 'r');
    try {
      if (fstatSync(fd).size < position) [text, position, decoder] = ['', 0, new StringDecoder('utf8')];
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, position);
        if (read === 0) break;
        position += read;
        text += decoder.write(chunk.subarray(0, read));
      }
    } finally {
      closeSync(fd);
    }
    return text;
  };
}
