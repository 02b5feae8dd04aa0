import { describe, expect, it } from 'vitest';
import { Rng, seededRandom } from '../../src/base/random.js';

describe('one seeded generator', () => {
  it("keeps the simulator's stream: these values are what every seeded cluster was built from", () => {
    const r = new Rng(1);
    expect([r.next(), r.next(), r.next()]).toEqual([0.1657054431270808, 0.3910158311482519, 0.39401109516620636]);
    const r42 = new Rng(42);
    expect([r42.uuid(), r42.int(1, 6), r42.hex(8)]).toEqual(['2d85d28b-a1a3-41a9-be7a-0edce016bf41', 4, '7ab1944e']);
  });

  it('seededRandom is the same generator behind the Math.random shape', () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1]) {
      const rng = new Rng(seed);
      const random = seededRandom(seed);
      for (let i = 0; i < 100; i++) expect(random()).toBe(rng.next());
    }
  });

  it('the same seed gives the same stream, nearby seeds unrelated ones, all in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    expect(draw(7)).toEqual(draw(7));
    const a = draw(1);
    const b = draw(2);
    expect(a.filter((v, i) => v === b[i])).toHaveLength(0);
    for (const v of [...a, ...b]) expect(v >= 0 && v < 1).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
