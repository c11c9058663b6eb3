// Draws images/icon.png (128x128): a rack of three server/container blades and a lint check mark.
// Pure Node (zlib) so it needs no image tools. Usage: node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4;

const NAVY = [22, 36, 71];
const BLADE = [92, 157, 230];
const BLADE_DARK = [58, 108, 176];
const LED = [255, 196, 61];
const CHECK = [72, 199, 116];

function roundedBox(x, y, left, top, right, bottom, radius) {
  const cx = Math.max(left + radius - x, 0, x - (right - radius));
  const cy = Math.max(top + radius - y, 0, y - (bottom - radius));
  return cx * cx + cy * cy <= radius * radius && x >= left && x <= right && y >= top && y <= bottom;
}

function nearSegment(x, y, [x1, y1], [x2, y2], halfWidth) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  const px = x1 + t * dx - x;
  const py = y1 + t * dy - y;
  return px * px + py * py <= halfWidth * halfWidth;
}

/** Colour at one point, or undefined for transparent. Later layers paint over earlier ones. */
function colourAt(x, y) {
  let colour;
  if (roundedBox(x, y, 4, 4, 124, 124, 22)) {
    colour = NAVY;
  }
  for (const top of [22, 50, 78]) {
    if (roundedBox(x, y, 18, top, 92, top + 22, 5)) {
      colour = BLADE;
    }
    if (roundedBox(x, y, 24, top + 8, 62, top + 14, 2)) {
      colour = BLADE_DARK;
    }
    if ((x - 80) ** 2 + (y - (top + 11)) ** 2 <= 16) {
      colour = LED;
    }
  }
  const checkPoints = [[74, 92], [89, 106], [114, 72]];
  if (nearSegment(x, y, checkPoints[0], checkPoints[1], 10) || nearSegment(x, y, checkPoints[1], checkPoints[2], 10)) {
    colour = NAVY;
  }
  if (nearSegment(x, y, checkPoints[0], checkPoints[1], 6) || nearSegment(x, y, checkPoints[1], checkPoints[2], 6)) {
    colour = CHECK;
  }
  return colour;
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const colour = colourAt(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 1;
          }
        }
      }
      const offset = (py * SIZE + px) * 4;
      if (a > 0) {
        rgba[offset] = Math.round(r / a);
        rgba[offset + 1] = Math.round(g / a);
        rgba[offset + 2] = Math.round(b / a);
      }
      rgba[offset + 3] = Math.round((255 * a) / samples);
    }
  }
  return rgba;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) {
    c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function encodePng(rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    rows.push(Buffer.from([0]), rgba.subarray(y * SIZE * 4, (y + 1) * SIZE * 4));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const output = new URL('../images/icon.png', import.meta.url);
mkdirSync(new URL('.', output), { recursive: true });
writeFileSync(output, encodePng(render()));
console.log(`wrote ${output.pathname}`);
