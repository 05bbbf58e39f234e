import type { Rgba } from './png';

type Colour = readonly [number, number, number];

/** Fraction of the pixel (x, y) inside `inside`, by 4×4 supersampling (smooth edges). */
function coverage(x: number, y: number, inside: (px: number, py: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits++;
  return hits / 16;
}

/** The FirstWatch mark: a ring (the watch) around a dot (what it saw), centred. */
function mark(size: number, ring: number, thickness: number, dot: number): (px: number, py: number) => boolean {
  const c = size / 2;
  return (px, py) => {
    const d = Math.hypot(px - c, py - c);
    return (d <= ring && d >= ring - thickness) || d <= dot;
  };
}

/** 192×192 full-colour icon: the white mark on a FirstWatch-blue rounded square. */
export function colorIcon(background: Colour = [0x1f, 0x4e, 0x79]): Rgba {
  const size = 192;
  const data = new Uint8Array(size * size * 4);
  const radius = 36;
  const inSquare = (px: number, py: number): boolean => {
    const dx = Math.max(radius - px, 0, px - (size - radius));
    const dy = Math.max(radius - py, 0, py - (size - radius));
    return dx * dx + dy * dy <= radius * radius;
  };
  const inMark = mark(size, 62, 14, 20);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const bg = coverage(x, y, inSquare);
      const fg = coverage(x, y, inMark);
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) data[i + k] = Math.round(background[k] * (1 - fg) + 255 * fg);
      data[i + 3] = Math.round(255 * Math.max(bg, fg));
    }
  }
  return { width: size, height: size, data };
}

/** 32×32 outline icon: the mark in white on transparency (Teams' rule for outline icons). */
export function outlineIcon(): Rgba {
  const size = 32;
  const data = new Uint8Array(size * size * 4);
  const inMark = mark(size, 13, 2.5, 3.5);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = 255;
      data[i + 3] = Math.round(255 * coverage(x, y, inMark));
    }
  }
  return { width: size, height: size, data };
}
