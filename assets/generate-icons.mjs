#!/usr/bin/env node
// Draws Postern's tray and app icons as PNG files with nothing but Node (no image tools
// are installed where this runs). The output is committed; rerun after changing a shape:
//
//   node assets/generate-icons.mjs
//
// Each tray state differs in shape as well as colour (a hollow ring while connecting, a
// "!" for a question, a cross for an error), so it reads without colour vision too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { Buffer } from 'node:buffer';

const OUT = dirname(fileURLToPath(import.meta.url));
const SUPERSAMPLE = 4;

// Shapes live in a unit square (0..1, y down): each is a function (x, y) → inside?
const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, outer, inner) => (x, y) => disc(cx, cy, outer)(x, y) && !disc(cx, cy, inner)(x, y);
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const union = (...shapes) => (x, y) => shapes.some((shape) => shape(x, y));
const roundedSquare = (inset, radius) => (x, y) => {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - radius), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - radius), 0);
  return qx * qx + qy * qy <= radius * radius;
};
/** A bar from (x0,y0) to (x1,y1), half as thick as `half`. */
const bar = (x0, y0, x1, y1, half) => (x, y) => {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
  return (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2 <= half * half;
};

// The postern itself: a small arched gate.
const gate = union(rect(0.36, 0.46, 0.64, 0.76), disc(0.5, 0.46, 0.14));
const exclamation = union(bar(0.5, 0.24, 0.5, 0.56, 0.07), disc(0.5, 0.73, 0.075));
const cross = union(bar(0.32, 0.32, 0.68, 0.68, 0.075), bar(0.68, 0.32, 0.32, 0.68, 0.075));

const WHITE = [255, 255, 255, 255];
const COLOURS = {
  disconnected: [125, 131, 141, 255],
  connecting: [214, 150, 0, 255],
  connected: [34, 150, 83, 255],
  attention: [37, 99, 214, 255],
  error: [205, 55, 55, 255],
};

/** Layers drawn bottom to top: [shape, rgba]. */
const TRAY = {
  disconnected: [[disc(0.5, 0.5, 0.47), COLOURS.disconnected], [gate, WHITE]],
  connecting: [[ring(0.5, 0.5, 0.47, 0.36), COLOURS.connecting], [gate, COLOURS.connecting]],
  connected: [[disc(0.5, 0.5, 0.47), COLOURS.connected], [gate, WHITE]],
  attention: [[disc(0.5, 0.5, 0.47), COLOURS.attention], [exclamation, WHITE]],
  error: [[disc(0.5, 0.5, 0.47), COLOURS.error], [cross, WHITE]],
};
const APP = [
  [roundedSquare(0.04, 0.2), [24, 33, 48, 255]],
  [disc(0.5, 0.5, 0.34), COLOURS.connected],
  [union(rect(0.4, 0.47, 0.6, 0.7), disc(0.5, 0.47, 0.1)), WHITE],
];

/** RGBA pixels of the layers at `size` px, each pixel averaged over SUPERSAMPLE² samples. */
function render(layers, size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          let colour = [0, 0, 0, 0];
          for (const [shape, rgba] of layers) if (shape(x, y)) colour = rgba;
          // Premultiplied, so transparent samples do not darken the edge.
          const a = colour[3] / 255;
          sum[0] += colour[0] * a; sum[1] += colour[1] * a; sum[2] += colour[2] * a; sum[3] += colour[3];
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const alpha = sum[3] / n;
      const offset = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[offset + c] = alpha === 0 ? 0 : Math.round((sum[c] / n) / (alpha / 255));
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG file: 8-bit RGBA, no interlace, each row with filter type 0. */
function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function write(relative, layers, size) {
  const path = join(OUT, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(render(layers, size), size));
  return relative;
}

const written = [];
for (const [state, layers] of Object.entries(TRAY)) {
  // Electron's nativeImage picks name@2x.png on HiDPI screens by itself.
  written.push(write(`tray-${state}.png`, layers, 16), write(`tray-${state}@2x.png`, layers, 32));
  written.push(write(`tray-${state}-32.png`, layers, 32), write(`tray-${state}-32@2x.png`, layers, 64));
}
written.push(write('icon-512.png', APP, 512));
// electron-builder's Linux icon set: a folder of <size>x<size>.png.
for (const size of [16, 32, 48, 64, 128, 256, 512]) written.push(write(`icons/${size}x${size}.png`, APP, size));
console.log(`wrote ${written.length} icons to ${OUT}`);
