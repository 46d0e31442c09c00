/**
 * A tiny RGB raster and PNG encoder on `node:zlib` (deflate + crc32): enough to draw a bar
 * chart without a browser, a canvas package or a system tool.
 */
import { crc32, deflateSync } from "node:zlib";
import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from "./font.js";

export type RGB = readonly [number, number, number];

export class Raster {
  readonly width: number;
  readonly height: number;
  private readonly px: Uint8Array;

  constructor(width: number, height: number, background: RGB = [255, 255, 255]) {
    this.width = width;
    this.height = height;
    this.px = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, color: RGB): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.width + xx) * 3;
        this.px[i] = color[0];
        this.px[i + 1] = color[1];
        this.px[i + 2] = color[2];
      }
    }
  }

  /** Text at `scale` pixels per font cell; returns the width drawn. */
  text(x: number, y: number, s: string, color: RGB, scale = 2): number {
    let cx = x;
    for (const ch of s) {
      glyph(ch).forEach((row, ry) => row.forEach((on, rx) => on && this.rect(cx + rx * scale, y + ry * scale, scale, scale, color)));
      cx += (GLYPH_WIDTH + 1) * scale;
    }
    return cx - x;
  }

  static textWidth(s: string, scale = 2): number {
    return [...s].length * (GLYPH_WIDTH + 1) * scale;
  }

  static textHeight(scale = 2): number {
    return GLYPH_HEIGHT * scale;
  }

  png(): Buffer {
    const stride = this.width * 3;
    const raw = Buffer.alloc((stride + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (stride + 1)] = 0; // filter: none
      raw.set(this.px.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
    }
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: RGB
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(raw, { level: 9 })),
      chunk("IEND", Buffer.alloc(0)),
    ]);
  }
}
