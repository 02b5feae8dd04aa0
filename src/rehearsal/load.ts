/** Load curves of a scenario: total CPU demand (millicores) of a deployment as a pure function of scenario time. */

export interface PointsLoad {
  /** [seconds, millicores], sorted by time. */
  points: Array<[number, number]>;
}

export interface DiurnalLoad {
  diurnal: { min: number; max: number; periodSeconds: number; peakAtSeconds: number };
}

export type LoadCurve = PointsLoad | DiurnalLoad;

/**
 * Points: linear between neighbours, flat before the first and after the last.
 * Diurnal: a cosine between min and max that peaks at peakAt (and every period after it) and bottoms half a period away.
 */
export function demandAt(curve: LoadCurve, tSeconds: number): number {
  if ('points' in curve) {
    const pts = curve.points;
    if (pts.length === 0) return 0;
    if (tSeconds <= pts[0]![0]) return pts[0]![1];
    for (let i = 1; i < pts.length; i++) {
      const [t1, v1] = pts[i]!;
      if (tSeconds <= t1) {
        const [t0, v0] = pts[i - 1]!;
        return t1 === t0 ? v1 : v0 + ((v1 - v0) * (tSeconds - t0)) / (t1 - t0);
      }
    }
    return pts[pts.length - 1]![1];
  }
  const { min, max, periodSeconds, peakAtSeconds } = curve.diurnal;
  const phase = (2 * Math.PI * (tSeconds - peakAtSeconds)) / periodSeconds;
  return min + ((max - min) * (1 + Math.cos(phase))) / 2;
}
