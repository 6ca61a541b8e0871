import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thinPoints } from '../../../src/core/canary/independence.ts';
import { mannWhitney } from '../../../src/core/canary/mann-whitney.ts';
import type { Point } from '../../../src/core/canary/types.ts';

/**
 * Thinning overlapping steps against SciPy 1.17 (scripts/reference/dependence.py wrote
 * dependence.json): gantry's thinning of 121 steps at 15 s with 1 m ranges, then its
 * Mann-Whitney p-values, equal SciPy's on the same 31 steps to 1e-12 relative. The same file
 * holds the simulation that motivates it: 20,000 healthy canaries, one-sided 1 % test.
 */
interface Reference {
  thinned: {
    name: string;
    x: number[];
    y: number[];
    thinned: Record<'two_sided' | 'greater' | 'less', number>;
    all: Record<'two_sided' | 'greater' | 'less', number>;
  }[];
  simulation: { runs: number; false_fail_all_steps: number; false_fail_thinned: number };
}
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/canary/dependence.json'), 'utf8'),
) as Reference;

const start = 1_704_103_200;
const window = { start, end: start + 1800, stepSeconds: 15 };
const points = (values: number[]): Point[] => values.map((v, i) => [start + 15 * i, v]);
const alternatives = { two_sided: 'two-sided', greater: 'greater', less: 'less' } as const;

describe('thinned Mann-Whitney against SciPy', () => {
  for (const set of reference.thinned) {
    it(set.name, () => {
      const x = thinPoints(points(set.x), window, 4).map(([, v]) => v);
      const y = thinPoints(points(set.y), window, 4).map(([, v]) => v);
      expect([x.length, y.length]).toEqual([31, 31]);
      for (const [key, alternative] of Object.entries(alternatives)) {
        const ours = mannWhitney(x, y, alternative).pValue;
        const theirs = set.thinned[key as keyof typeof alternatives];
        expect(Math.abs(ours - theirs) / theirs, `${key}: ${ours} vs ${theirs}`).toBeLessThan(1e-12);
        // And unthinned, the same numbers as SciPy on all 121 (the overconfident ones).
        const all = mannWhitney(set.x, set.y, alternative).pValue;
        const allTheirs = set.all[key as keyof typeof alternatives];
        expect(Math.abs(all - allTheirs) / allTheirs).toBeLessThan(1e-9);
      }
    });
  }

  it('the simulation shows why: overlapping steps false-fail ~12 %, thinned ones ~1 %', () => {
    expect(reference.simulation.runs).toBe(20000);
    expect(reference.simulation.false_fail_all_steps).toBeGreaterThan(0.08);
    expect(reference.simulation.false_fail_thinned).toBeLessThan(0.0125);
  });
});
