/**
 * Seeded pseudo-random numbers, one algorithm for the whole project (mulberry32 over a splitmix-mixed seed).
 * Every random choice of the simulator (jitter, uids, container ids, which pod a fault hits) and of the tools in
 * tests and rehearsals (seededRandom) draws from one of these, so the same seed and clock give the same run.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // splitmix32 of the seed, so nearby seeds (1, 2, 3) give unrelated streams.
    this.state = mix32(seed >>> 0 || 0x9e3779b9);
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.next() * items.length)];
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars)
      s += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, chars);
  }

  /** An RFC 4122 version-4 shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  fork(label: string): Rng {
    return new Rng(hash32(label) ^ this.state);
  }
}

export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over a string's UTF-16 code units: a stable 32-bit hash for names and templates. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A deterministic float in [0, 1) from a seed and any parts: noise that needs no stored state. */
export function noise(seed: number, ...parts: (string | number)[]): number {
  return noiseAt(noiseKey(seed, ...parts), 0);
}

/** The expensive half of `noise`, to compute once and reuse with `noiseAt` for a series. */
export function noiseKey(seed: number, ...parts: (string | number)[]): number {
  return mix32(hash32(parts.join('|')) ^ mix32(seed >>> 0));
}

/** The i-th value in [0, 1) of the series `key` (from noiseKey). */
export function noiseAt(key: number, i: number): number {
  return (i === 0 ? key : mix32(key ^ mix32(i >>> 0))) / 4294967296;
}

/** `Math.random`'s shape over an Rng: the tools' seeded randomness draws from the simulator's one generator. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
