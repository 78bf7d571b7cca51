import { gzipSync } from 'node:zlib';

export interface ArchiveEntry {
  /** A relative path inside the archive (ASCII, at most 100 bytes: ours are fixed names). */
  name: string;
  text: string;
}

const BLOCK = 512;

/**
 * A .tar.gz of a few text files, in the POSIX ustar format every `tar` reads. Hand-written
 * because it is forty lines and the files are ours (fixed short names, regular files only);
 * the `tar` package on npm would be the choice for reading archives or arbitrary names.
 */
export function tarGz(entries: readonly ArchiveEntry[], mtimeMs: number): Buffer {
  const mtime = Math.floor(mtimeMs / 1000);
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.text, 'utf8');
    blocks.push(header(entry.name, body.length, mtime), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2)); // two zero blocks end the archive
  return gzipSync(Buffer.concat(blocks));
}

function header(name: string, size: number, mtime: number): Buffer {
  if (!/^[\x20-\x7e]{1,100}$/.test(name)) throw new Error(`archive name not supported: ${name}`);
  const block = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, value: string): void => { block.write(value, offset, length, 'ascii'); };
  const octal = (offset: number, length: number, value: number): void => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o600);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtime);
  field(148, 8, '        '); // the checksum counts its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}
